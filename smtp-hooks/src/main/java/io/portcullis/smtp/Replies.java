package io.portcullis.smtp;

import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.verdict.Finding;
import io.portcullis.verdict.Verdict;
import java.util.ArrayList;
import java.util.List;

/** The reason text of an end-of-DATA refusal (not yet sanitised: the caller makes it header-safe). */
final class Replies {
    private Replies() {
    }

    /** {@code score 16.5: headers MISSING_DATE, MISSING_FROM; client-ip 127.0.0.2 listed in bl.test}. */
    static String reason(Verdict v) {
        return reason(v, false);
    }

    /** As {@link #reason(Verdict)}; with {@code withObserved}, the observed findings and the would-be score. */
    static String reason(Verdict v, boolean withObserved) {
        List<Finding> sorted = new ArrayList<>(v.findings());
        if (withObserved) {
            sorted.addAll(v.observed());
        }
        sorted.sort((a, b) -> Double.compare(b.score(), a.score()));
        List<String> parts = new ArrayList<>();
        for (Finding f : sorted) {
            if (f.score() <= 0 || parts.size() >= 4) {
                continue;
            }
            parts.add(DnsblChecker.CHECK.equals(f.check()) ? firstWords(f.detail()) : f.check() + " " + f.rule());
        }
        return "score " + (withObserved ? v.wouldScore() : v.score()) + ": " + String.join("; ", parts);
    }

    /** The DNSBL detail up to the return codes: {@code client-ip 127.0.0.2 listed in bl.test}. */
    private static String firstWords(String detail) {
        int bracket = detail.indexOf(" [");
        return bracket > 0 ? detail.substring(0, bracket) : detail;
    }
}
