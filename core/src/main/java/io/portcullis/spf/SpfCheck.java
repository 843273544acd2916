package io.portcullis.spf;

import com.google.common.net.InetAddresses;
import io.portcullis.dns.DnsAnswer;
import io.portcullis.dns.DnsClient;
import io.portcullis.dns.DnsPurpose;
import io.portcullis.dns.DnsRequester;
import io.portcullis.dns.DnsType;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * SPF ({@code check_host()}, RFC 7208) evaluated asynchronously through the shared {@link DnsClient}: nothing here
 * blocks, and the future never completes exceptionally.
 *
 * <h2>What is evaluated</h2>
 * Mechanisms {@code all}, {@code include}, {@code a}, {@code mx}, {@code ptr}, {@code ip4}, {@code ip6},
 * {@code exists} with their qualifiers, CIDR lengths and macros (section 7: letters {@code s l o d i p v h},
 * transformers, delimiters, {@code %% %_ %-}; {@code p} expands to {@code unknown}, which section 7.3 allows);
 * modifiers {@code redirect} and {@code exp} (the explanation is not fetched: the result is only used as a
 * verification); unknown modifiers are ignored. A record with any syntax error, two SPF records, or two
 * {@code redirect}/{@code exp} modifiers is a {@link SpfResult#PERMERROR}.
 *
 * <h2>Limits (section 4.6.4)</h2>
 * At most {@value #MAX_DNS_TERMS} DNS-querying terms ({@code include}, {@code a}, {@code mx}, {@code ptr},
 * {@code exists}, {@code redirect}) over the whole evaluation, includes and redirects included, and at most
 * {@value #MAX_VOID_LOOKUPS} of them answered with no record (NXDOMAIN or no data): one more is a PERMERROR. At most
 * {@value #MAX_NAMES} MX names per {@code mx} (more: PERMERROR) and {@value #MAX_NAMES} PTR names per {@code ptr}
 * (the rest ignored). A DNS server failure, timeout or capacity refusal is a {@link SpfResult#TEMPERROR}, and so is
 * an evaluation still running after the check's deadline.
 *
 * <p>Thread-safe: one evaluation's state is confined to its own chain of futures.
 */
public final class SpfCheck {
    public static final int MAX_DNS_TERMS = 10;
    public static final int MAX_VOID_LOOKUPS = 2;
    public static final int MAX_NAMES = 10;
    private static final Pattern MODIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*=.*", Pattern.DOTALL);
    private static final Pattern CIDR = Pattern.compile("(0|[1-9][0-9]{0,2})");
    private static final Pattern SPACES = Pattern.compile(" +");
    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern MACRO_BODY = Pattern.compile("[slodiphcrtvSLODIPHCRTV][0-9]*[rR]?[.+,/_=-]*");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern LDH = Pattern.compile("[A-Za-z0-9-]+");

    private final DnsClient dns;
    private final long deadlineMs;

    /** A check asking {@code dns}, giving up (TEMPERROR) after {@code deadlineMs} milliseconds (0: never). */
    public SpfCheck(DnsClient dns, long deadlineMs) {
        this.dns = dns;
        this.deadlineMs = deadlineMs;
    }

    /**
     * {@code check_host(ip, domain, sender)} for the envelope sender {@code sender} ({@code local@domain}; the
     * domain checked is its domain), with the client's HELO name for the {@code h} macro. Asked on behalf of
     * {@code requester}.
     */
    public CompletableFuture<Spf> checkSender(InetAddress ip, String sender, String helo, DnsRequester requester) {
        if (ip == null || sender == null) {
            return CompletableFuture.completedFuture(new Spf(SpfResult.NONE, "no sender", 0));
        }
        int at = sender.lastIndexOf('@');
        String local = at <= 0 ? "postmaster" : sender.substring(0, at);
        String domain = at < 0 ? sender : sender.substring(at + 1);
        return check(ip, domain, local, helo, requester);
    }

    /** {@code check_host(ip, domain, local@domain)}. */
    public CompletableFuture<Spf> check(InetAddress ip, String domain, String localPart, String helo,
            DnsRequester requester) {
        String d = normalise(domain);
        if (ip == null || d == null) {
            return CompletableFuture.completedFuture(new Spf(SpfResult.NONE, "no valid domain", 0));
        }
        Eval e = new Eval(ip, localPart == null || localPart.isEmpty() ? "postmaster" : localPart, d,
                normalise(helo), requester == null ? DnsRequester.SYSTEM : requester);
        CompletableFuture<Spf> f;
        try {
            f = e.checkHost(d).thenApply(s -> new Spf(s.result(), s.reason(), e.terms))
                    .exceptionally(t -> new Spf(SpfResult.TEMPERROR, "internal: " + t.getClass().getSimpleName(),
                            e.terms));
        } catch (RuntimeException t) {
            f = CompletableFuture.completedFuture(new Spf(SpfResult.TEMPERROR, "internal", 0));
        }
        if (deadlineMs > 0) {
            f = f.completeOnTimeout(new Spf(SpfResult.TEMPERROR, "no result within " + deadlineMs + " ms", 0),
                    deadlineMs, TimeUnit.MILLISECONDS);
        }
        return f;
    }

    /** Lower case without trailing dot, or null when not a multi-label domain name (section 4.3). */
    static String normalise(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.isEmpty() || n.length() > 253 || n.indexOf('.') < 0) {
            return null;
        }
        for (String label : n.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return null;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (c <= ' ' || c >= 127) {
                    return null;
                }
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ one evaluation

    /** A parsed term. */
    private static final class Term {
        final char qualifier;
        final String name;
        final String domainSpec;
        final int cidr4;
        final int cidr6;
        final byte[] network;

        Term(char qualifier, String name, String domainSpec, int cidr4, int cidr6, byte[] network) {
            this.qualifier = qualifier;
            this.name = name;
            this.domainSpec = domainSpec;
            this.cidr4 = cidr4;
            this.cidr6 = cidr6;
            this.network = network;
        }

        @Override
        public String toString() {
            String q = qualifier == '+' ? "" : String.valueOf(qualifier);
            String spec = domainSpec == null ? "" : ":" + domainSpec;
            if (network != null) {
                try {
                    spec = ":" + InetAddresses.toAddrString(InetAddress.getByAddress(network));
                } catch (java.net.UnknownHostException e) {
                    spec = "";
                }
            }
            String c = (cidr4 >= 0 && cidr4 != 32 ? "/" + cidr4 : "")
                    + (cidr6 >= 0 && cidr6 != 128 ? (name.equals("ip6") ? "/" : "//") + cidr6 : "");
            return sanitise(q + name + spec + c);
        }
    }

    /** A parsed record: directives in order, and the redirect target (or null). */
    private static final class Record {
        final List<Term> directives = new ArrayList<>();
        String redirect;
    }

    /** Thrown while parsing: the record is a PERMERROR. */
    private static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    /** One mechanism's outcome: matched, not matched, or a final error result. */
    private static final class Step {
        static final Step MATCH = new Step(null);
        static final Step NO_MATCH = new Step(null);
        final Spf error;

        Step(Spf error) {
            this.error = error;
        }

        static CompletableFuture<Step> of(Step s) {
            return CompletableFuture.completedFuture(s);
        }

        static CompletableFuture<Step> error(SpfResult r, String why) {
            return of(new Step(new Spf(r, why, 0)));
        }
    }

    private final class Eval {
        final InetAddress ip;
        final String local;
        final String senderDomain;
        final String helo;
        final DnsRequester requester;
        int terms;
        int voids;

        Eval(InetAddress ip, String local, String senderDomain, String helo, DnsRequester requester) {
            this.ip = ip;
            this.local = local;
            this.senderDomain = senderDomain;
            this.helo = helo;
            this.requester = requester;
        }

        CompletableFuture<Spf> checkHost(String domain) {
            return lookup(domain, DnsType.TXT).thenCompose(a -> {
                switch (a.status()) {
                    case NXDOMAIN:
                    case NODATA:
                        return done(SpfResult.NONE, "no SPF record at " + sanitise(domain));
                    case ANSWER:
                        break;
                    default:
                        return done(SpfResult.TEMPERROR, "TXT " + sanitise(domain) + ": " + a.status());
                }
                String text = null;
                for (String v : a.values()) {
                    String lower = v.toLowerCase(Locale.ROOT);
                    if (lower.equals("v=spf1") || lower.startsWith("v=spf1 ")) {
                        if (text != null) {
                            return done(SpfResult.PERMERROR, "several SPF records at " + sanitise(domain));
                        }
                        text = v;
                    }
                }
                if (text == null) {
                    return done(SpfResult.NONE, "no SPF record at " + sanitise(domain));
                }
                Record r;
                try {
                    r = parse(text.substring(6));
                } catch (SyntaxError e) {
                    return done(SpfResult.PERMERROR, sanitise(domain) + ": " + e.getMessage());
                }
                return evaluate(r, 0, domain);
            });
        }

        private CompletableFuture<Spf> evaluate(Record r, int i, String domain) {
            if (i >= r.directives.size()) {
                if (r.redirect == null) {
                    return done(SpfResult.NEUTRAL, "no mechanism matched at " + sanitise(domain));
                }
                if (++terms > MAX_DNS_TERMS) {
                    return done(SpfResult.PERMERROR, "more than " + MAX_DNS_TERMS + " DNS-querying terms");
                }
                String target;
                try {
                    target = expandDomain(r.redirect, domain);
                } catch (SyntaxError e) {
                    return done(SpfResult.PERMERROR, "redirect: " + e.getMessage());
                }
                return checkHost(target).thenApply(s -> s.result() == SpfResult.NONE
                        ? new Spf(SpfResult.PERMERROR, "redirect to " + sanitise(target) + ": no SPF record", 0) : s);
            }
            Term t = r.directives.get(i);
            return mechanism(t, domain).thenCompose(step -> {
                if (step.error != null) {
                    return CompletableFuture.completedFuture(step.error);
                }
                if (step == Step.MATCH) {
                    return done(qualified(t.qualifier), t + " matched at " + sanitise(domain));
                }
                return evaluate(r, i + 1, domain);
            });
        }

        private CompletableFuture<Step> mechanism(Term t, String domain) {
            switch (t.name) {
                case "all":
                    return Step.of(Step.MATCH);
                case "ip4":
                case "ip6":
                    return Step.of(inNetwork(ip, t.network, t.network.length == 4 ? t.cidr4 : t.cidr6)
                            ? Step.MATCH : Step.NO_MATCH);
                default:
                    break;
            }
            if (++terms > MAX_DNS_TERMS) {
                return Step.error(SpfResult.PERMERROR, "more than " + MAX_DNS_TERMS + " DNS-querying terms");
            }
            String target;
            try {
                target = t.domainSpec == null ? domain : expandDomain(t.domainSpec, domain);
            } catch (SyntaxError e) {
                return Step.error(SpfResult.PERMERROR, t.name + ": " + e.getMessage());
            }
            switch (t.name) {
                case "include":
                    return checkHost(target).thenApply(s -> {
                        switch (s.result()) {
                            case PASS:
                                return Step.MATCH;
                            case FAIL:
                            case SOFTFAIL:
                            case NEUTRAL:
                                return Step.NO_MATCH;
                            case TEMPERROR:
                                return new Step(s);
                            default:
                                return new Step(new Spf(SpfResult.PERMERROR, "include:" + sanitise(target) + ": "
                                        + (s.result() == SpfResult.NONE ? "no SPF record" : s.reason()), 0));
                        }
                    });
                case "a":
                    return lookup(target, addressType()).thenApply(a -> addressStep(a, t, target));
                case "mx":
                    return lookup(target, DnsType.MX).thenCompose(a -> {
                        Step bad = voidOrFailure(a, "mx:" + target);
                        if (bad != null) {
                            return Step.of(bad);
                        }
                        List<String> hosts = new ArrayList<>();
                        for (String h : a.values()) {
                            String n = normalise(h);
                            if (n != null && !hosts.contains(n)) {
                                hosts.add(n);
                            }
                        }
                        if (hosts.size() > MAX_NAMES) {
                            return Step.error(SpfResult.PERMERROR, "mx:" + sanitise(target) + ": more than "
                                    + MAX_NAMES + " MX names");
                        }
                        List<CompletableFuture<DnsAnswer>> all = new ArrayList<>();
                        for (String h : hosts) {
                            all.add(lookup(h, addressType()));
                        }
                        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                            boolean failed = false;
                            for (CompletableFuture<DnsAnswer> f : all) {
                                DnsAnswer x = f.join();
                                if (x.status() == DnsAnswer.Status.ANSWER && anyInNetwork(x, t)) {
                                    return Step.MATCH;
                                }
                                failed |= !x.status().isDefinite();
                            }
                            return failed ? new Step(new Spf(SpfResult.TEMPERROR, "mx:" + sanitise(target)
                                    + ": an MX host's address lookup failed", 0)) : Step.NO_MATCH;
                        });
                    });
                case "exists":
                    return lookup(target, DnsType.A).thenApply(a -> {
                        Step bad = voidOrFailure(a, "exists:" + target);
                        return bad != null ? bad : Step.MATCH;
                    });
                case "ptr":
                    return ptr(target);
                default:
                    return Step.error(SpfResult.PERMERROR, "unknown mechanism " + sanitise(t.name));
            }
        }

        /** {@code ptr}: the client's validated reverse names (at most 10) in the target domain. */
        private CompletableFuture<Step> ptr(String target) {
            return lookup(reverseName(ip), DnsType.PTR).thenCompose(a -> {
                if (a.status() == DnsAnswer.Status.NXDOMAIN || a.status() == DnsAnswer.Status.NODATA) {
                    return Step.of(++voids > MAX_VOID_LOOKUPS ? new Step(new Spf(SpfResult.PERMERROR,
                            "more than " + MAX_VOID_LOOKUPS + " void lookups", 0)) : Step.NO_MATCH);
                }
                if (a.status() != DnsAnswer.Status.ANSWER) {
                    return Step.of(Step.NO_MATCH); // section 5.5: a DNS error here is no match
                }
                List<String> names = new ArrayList<>();
                for (String v : a.values()) {
                    String n = normalise(v);
                    if (n != null && names.size() < MAX_NAMES) {
                        names.add(n);
                    }
                }
                List<CompletableFuture<Boolean>> checks = new ArrayList<>();
                for (String n : names) {
                    if (n.equals(target) || n.endsWith("." + target)) {
                        checks.add(lookup(n, addressType()).thenApply(x -> x.status() == DnsAnswer.Status.ANSWER
                                && x.values().stream().anyMatch(v -> InetAddresses.isInetAddress(v)
                                        && InetAddresses.forString(v).equals(ip))));
                    }
                }
                return CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0]))
                        .thenApply(v -> checks.stream().anyMatch(CompletableFuture::join) ? Step.MATCH : Step.NO_MATCH);
            });
        }

        private Step addressStep(DnsAnswer a, Term t, String target) {
            Step bad = voidOrFailure(a, "a:" + target);
            if (bad != null) {
                return bad;
            }
            return anyInNetwork(a, t) ? Step.MATCH : Step.NO_MATCH;
        }

        /** A void answer (counted; over the limit: PERMERROR) or a failure (TEMPERROR); null for an answer. */
        private Step voidOrFailure(DnsAnswer a, String what) {
            switch (a.status()) {
                case ANSWER:
                    return null;
                case NXDOMAIN:
                case NODATA:
                    return ++voids > MAX_VOID_LOOKUPS ? new Step(new Spf(SpfResult.PERMERROR,
                            "more than " + MAX_VOID_LOOKUPS + " void lookups", 0)) : Step.NO_MATCH;
                default:
                    return new Step(new Spf(SpfResult.TEMPERROR, sanitise(what) + ": " + a.status(), 0));
            }
        }

        private boolean anyInNetwork(DnsAnswer a, Term t) {
            int bits = ip instanceof Inet4Address ? t.cidr4 : t.cidr6;
            for (String v : a.values()) {
                if (InetAddresses.isInetAddress(v)
                        && inNetwork(ip, InetAddresses.forString(v).getAddress(), bits)) {
                    return true;
                }
            }
            return false;
        }

        private DnsType addressType() {
            return ip instanceof Inet6Address ? DnsType.AAAA : DnsType.A;
        }

        private CompletableFuture<DnsAnswer> lookup(String name, DnsType type) {
            try {
                return dns.lookup(name, type, requester, DnsPurpose.OTHER)
                        .exceptionally(e -> DnsAnswer.failure(DnsAnswer.Status.ERROR, String.valueOf(e)));
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(DnsAnswer.failure(DnsAnswer.Status.ERROR, e.toString()));
            }
        }

        private CompletableFuture<Spf> done(SpfResult r, String why) {
            return CompletableFuture.completedFuture(new Spf(r, why, 0));
        }

        // -------------------------------------------------------------- macros (section 7)

        /** Expands a domain-spec and makes it a name to ask (over 253 characters: left labels dropped). */
        String expandDomain(String spec, String domain) throws SyntaxError {
            String s = expand(spec, domain);
            while (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
            while (s.length() > 253 && s.indexOf('.') >= 0) {
                s = s.substring(s.indexOf('.') + 1);
            }
            String n = normalise(s);
            if (n == null) {
                throw new SyntaxError("'" + sanitise(s) + "' is not a domain name");
            }
            return n;
        }

        String expand(String spec, String domain) throws SyntaxError {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < spec.length(); i++) {
                char c = spec.charAt(i);
                if (c != '%') {
                    out.append(c);
                    continue;
                }
                if (i + 1 >= spec.length()) {
                    throw new SyntaxError("'%' at the end of a macro string");
                }
                char n = spec.charAt(++i);
                if (n == '%') {
                    out.append('%');
                } else if (n == '_') {
                    out.append(' ');
                } else if (n == '-') {
                    out.append("%20");
                } else if (n == '{') {
                    int close = spec.indexOf('}', i);
                    if (close < 0) {
                        throw new SyntaxError("unclosed macro");
                    }
                    out.append(macro(spec.substring(i + 1, close), domain));
                    i = close;
                } else {
                    throw new SyntaxError("bad macro '%" + sanitise(String.valueOf(n)) + "'");
                }
            }
            return out.toString();
        }

        private String macro(String body, String domain) throws SyntaxError {
            if (body.isEmpty()) {
                throw new SyntaxError("empty macro");
            }
            char letter = body.charAt(0);
            String value;
            switch (Character.toLowerCase(letter)) {
                case 's':
                    value = local + "@" + senderDomain;
                    break;
                case 'l':
                    value = local;
                    break;
                case 'o':
                    value = senderDomain;
                    break;
                case 'd':
                    value = domain;
                    break;
                case 'i':
                    value = ip instanceof Inet4Address ? InetAddresses.toAddrString(ip) : nibbles(ip);
                    break;
                case 'p':
                    value = "unknown";
                    break;
                case 'v':
                    value = ip instanceof Inet4Address ? "in-addr" : "ip6";
                    break;
                case 'h':
                    value = helo == null ? "unknown" : helo;
                    break;
                default:
                    throw new SyntaxError("bad macro letter '" + sanitise(String.valueOf(letter)) + "'");
            }
            int j = 1;
            int keep = 0;
            while (j < body.length() && Character.isDigit(body.charAt(j))) {
                keep = keep * 10 + (body.charAt(j) - '0');
                if (keep > 128) {
                    throw new SyntaxError("macro digits too large");
                }
                j++;
            }
            if (j > 1 && keep == 0) {
                throw new SyntaxError("macro keeps zero labels");
            }
            boolean reverse = false;
            if (j < body.length() && (body.charAt(j) == 'r' || body.charAt(j) == 'R')) {
                reverse = true;
                j++;
            }
            String delimiters = body.substring(j);
            for (char d : delimiters.toCharArray()) {
                if (".-+,/_=".indexOf(d) < 0) {
                    throw new SyntaxError("bad macro delimiter '" + sanitise(String.valueOf(d)) + "'");
                }
            }
            if (delimiters.isEmpty()) {
                delimiters = ".";
            }
            List<String> parts = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            for (char c : value.toCharArray()) {
                if (delimiters.indexOf(c) >= 0) {
                    parts.add(cur.toString());
                    cur.setLength(0);
                } else {
                    cur.append(c);
                }
            }
            parts.add(cur.toString());
            if (reverse) {
                java.util.Collections.reverse(parts);
            }
            if (keep > 0 && keep < parts.size()) {
                parts = parts.subList(parts.size() - keep, parts.size());
            }
            String result = String.join(".", parts);
            return Character.isUpperCase(letter) ? urlEncode(result) : result;
        }
    }

    // ------------------------------------------------------------------ parsing

    /** Parses the terms after {@code v=spf1}. */
    static Record parse(String terms) throws SyntaxError {
        Record r = new Record();
        boolean exp = false;
        for (String term : SPACES.split(terms)) {
            if (term.isEmpty()) {
                continue;
            }
            if (MODIFIER.matcher(term).matches()) {
                int eq = term.indexOf('=');
                String name = term.substring(0, eq).toLowerCase(Locale.ROOT);
                String value = term.substring(eq + 1);
                checkMacroString(value);
                if (name.equals("redirect")) {
                    if (r.redirect != null) {
                        throw new SyntaxError("two redirect modifiers");
                    }
                    checkDomainSpec(value);
                    r.redirect = value;
                } else if (name.equals("exp")) {
                    if (exp) {
                        throw new SyntaxError("two exp modifiers");
                    }
                    checkDomainSpec(value);
                    exp = true;
                }
                continue;
            }
            r.directives.add(directive(term));
        }
        return r;
    }

    private static Term directive(String term) throws SyntaxError {
        char q = '+';
        String t = term;
        if ("+-~?".indexOf(t.charAt(0)) >= 0) {
            q = t.charAt(0);
            t = t.substring(1);
        }
        int colon = t.indexOf(':');
        int slash = t.indexOf('/');
        int end = colon >= 0 && (slash < 0 || colon < slash) ? colon : slash >= 0 ? slash : t.length();
        String name = t.substring(0, end).toLowerCase(Locale.ROOT);
        String rest = t.substring(end);
        switch (name) {
            case "all":
                if (!rest.isEmpty()) {
                    throw new SyntaxError("bad term '" + sanitise(term) + "'");
                }
                return new Term(q, name, null, -1, -1, null);
            case "include":
            case "exists":
                if (!rest.startsWith(":") || rest.length() < 2) {
                    throw new SyntaxError(name + " needs a domain");
                }
                checkMacroString(rest.substring(1));
                checkDomainSpec(rest.substring(1));
                return new Term(q, name, rest.substring(1), -1, -1, null);
            case "ptr":
                if (rest.isEmpty()) {
                    return new Term(q, name, null, -1, -1, null);
                }
                if (!rest.startsWith(":") || rest.length() < 2) {
                    throw new SyntaxError("bad term '" + sanitise(term) + "'");
                }
                checkMacroString(rest.substring(1));
                checkDomainSpec(rest.substring(1));
                return new Term(q, name, rest.substring(1), -1, -1, null);
            case "a":
            case "mx": {
                String spec = null;
                String cidrs = rest;
                if (rest.startsWith(":")) {
                    int s = rest.indexOf('/', Math.max(0, rest.lastIndexOf('}'))); // '/' may be a macro delimiter
                    spec = s < 0 ? rest.substring(1) : rest.substring(1, s);
                    cidrs = s < 0 ? "" : rest.substring(s);
                    if (spec.isEmpty()) {
                        throw new SyntaxError(name + ": empty domain");
                    }
                    checkMacroString(spec);
                    checkDomainSpec(spec);
                }
                int[] dual = dualCidr(cidrs, term);
                return new Term(q, name, spec, dual[0], dual[1], null);
            }
            case "ip4":
            case "ip6": {
                if (!rest.startsWith(":")) {
                    throw new SyntaxError(name + " needs a network");
                }
                String net = rest.substring(1);
                int s = net.indexOf('/');
                String addr = s < 0 ? net : net.substring(0, s);
                boolean v4 = name.equals("ip4");
                if (v4 ? !IPV4_LITERAL.matcher(addr).matches() : addr.indexOf(':') < 0) {
                    throw new SyntaxError("bad " + name + " address '" + sanitise(addr) + "'");
                }
                if (!InetAddresses.isInetAddress(addr)) {
                    throw new SyntaxError("bad " + name + " address '" + sanitise(addr) + "'");
                }
                byte[] bytes = InetAddresses.forString(addr).getAddress();
                if (bytes.length != (v4 ? 4 : 16)) {
                    throw new SyntaxError("bad " + name + " address '" + sanitise(addr) + "'");
                }
                int bits = v4 ? 32 : 128;
                if (s >= 0) {
                    String c = net.substring(s + 1);
                    if (!CIDR.matcher(c).matches() || Integer.parseInt(c) > bits) {
                        throw new SyntaxError("bad CIDR length in '" + sanitise(term) + "'");
                    }
                    bits = Integer.parseInt(c);
                }
                return new Term(q, name, null, v4 ? bits : -1, v4 ? -1 : bits, bytes);
            }
            default:
                throw new SyntaxError("unknown mechanism '" + sanitise(name) + "'");
        }
    }

    /** {@code ""}, {@code /N}, {@code //M}, {@code /N//M}: the IPv4 and IPv6 lengths (32 and 128 by default). */
    private static int[] dualCidr(String s, String term) throws SyntaxError {
        int[] out = {32, 128};
        if (s.isEmpty()) {
            return out;
        }
        String v4 = s;
        String v6 = null;
        int dd = s.indexOf("//");
        if (dd >= 0) {
            v4 = s.substring(0, dd);
            v6 = s.substring(dd + 2);
        }
        if (!v4.isEmpty()) {
            if (!v4.startsWith("/") || !CIDR.matcher(v4.substring(1)).matches()
                    || Integer.parseInt(v4.substring(1)) > 32) {
                throw new SyntaxError("bad CIDR length in '" + sanitise(term) + "'");
            }
            out[0] = Integer.parseInt(v4.substring(1));
        }
        if (v6 != null) {
            if (!CIDR.matcher(v6).matches() || Integer.parseInt(v6) > 128) {
                throw new SyntaxError("bad CIDR length in '" + sanitise(term) + "'");
            }
            out[1] = Integer.parseInt(v6);
        }
        return out;
    }

    /** Macro syntax only (no expansion): every {@code %} starts a valid macro. */
    private static void checkMacroString(String s) throws SyntaxError {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127) {
                throw new SyntaxError("bad character in '" + sanitise(s) + "'");
            }
            if (c != '%') {
                continue;
            }
            if (i + 1 >= s.length()) {
                throw new SyntaxError("'%' at the end of '" + sanitise(s) + "'");
            }
            char n = s.charAt(++i);
            if (n == '{') {
                int close = s.indexOf('}', i);
                if (close < 0 || !MACRO_BODY.matcher(s.substring(i + 1, close)).matches()) {
                    throw new SyntaxError("bad macro in '" + sanitise(s) + "'");
                }
                i = close;
            } else if (n != '%' && n != '_' && n != '-') {
                throw new SyntaxError("bad macro in '" + sanitise(s) + "'");
            }
        }
    }

    /**
     * A domain-spec ends in a macro or a top label ({@code toplabel}: not all digits, section 4.8 / 7.1); a
     * trailing dot is allowed.
     */
    private static void checkDomainSpec(String spec) throws SyntaxError {
        String s = spec.endsWith(".") ? spec.substring(0, spec.length() - 1) : spec;
        if (s.endsWith("}")) {
            return;
        }
        int dot = s.lastIndexOf('.');
        String top = dot < 0 ? "" : s.substring(dot + 1);
        if (dot < 0 || top.isEmpty() || DIGITS.matcher(top).matches() || !LDH.matcher(top).matches()
                || top.startsWith("-") || top.endsWith("-")) {
            throw new SyntaxError("bad domain '" + sanitise(spec) + "'");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static SpfResult qualified(char q) {
        switch (q) {
            case '-':
                return SpfResult.FAIL;
            case '~':
                return SpfResult.SOFTFAIL;
            case '?':
                return SpfResult.NEUTRAL;
            default:
                return SpfResult.PASS;
        }
    }

    static boolean inNetwork(InetAddress ip, byte[] network, int bits) {
        byte[] a = ip.getAddress();
        if (network == null || bits < 0 || a.length != network.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rem = bits % 8;
        if (rem == 0) {
            return true;
        }
        int mask = (0xff << (8 - rem)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    /** {@code 1.2.0.192.in-addr.arpa} / the nibble form under {@code ip6.arpa}. */
    static String reverseName(InetAddress ip) {
        byte[] b = ip.getAddress();
        StringBuilder sb = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(b[i] & 0xff).append('.');
            }
            return sb.append("in-addr.arpa").toString();
        }
        for (int i = 15; i >= 0; i--) {
            sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.')
                    .append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }

    /** The {@code i} macro of an IPv6 address: 32 dot-separated nibbles. */
    static String nibbles(InetAddress ip) {
        StringBuilder sb = new StringBuilder();
        for (byte x : ip.getAddress()) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append('.').append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    private static String urlEncode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    /** Printable ASCII only, at most 120 characters: DNS text goes into logs and details. */
    static String sanitise(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 120));
        for (int i = 0; i < s.length() && sb.length() < 120; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
