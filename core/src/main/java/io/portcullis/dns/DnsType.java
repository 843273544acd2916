package io.portcullis.dns;

import org.xbill.DNS.Type;

/** The record types Portcullis asks for. */
public enum DnsType {
    A(Type.A),
    AAAA(Type.AAAA),
    TXT(Type.TXT),
    NS(Type.NS),
    PTR(Type.PTR),
    MX(Type.MX);

    private final int code;

    DnsType(int code) {
        this.code = code;
    }

    /** The dnsjava {@link Type} code. */
    public int code() {
        return code;
    }
}
