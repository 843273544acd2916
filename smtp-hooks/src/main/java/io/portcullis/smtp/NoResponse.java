package io.portcullis.smtp;

import java.util.List;
import org.apache.james.protocols.api.Response;

/** An empty connect response: writes nothing and keeps the session (a connect handler returning null drops it). */
final class NoResponse {
    static final Response INSTANCE = new Response() {
        @Override
        public String getRetCode() {
            return "";
        }

        @Override
        public List<CharSequence> getLines() {
            return List.of();
        }

        @Override
        public boolean isEndSession() {
            return false;
        }
    };

    private NoResponse() {
    }
}
