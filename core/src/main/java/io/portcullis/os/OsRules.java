package io.portcullis.os;

import io.portcullis.verdict.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The OS fingerprint policies: weights for OS patterns (rule {@value #OS}), link-type patterns ({@value #LINK}) and a
 * least distance in hops ({@value #DISTANCE}). Each rule gives at most one finding per address (check
 * {@value #CHECK}), with the highest weight among its matching patterns. Only a found report gives findings: p0f down,
 * a timeout or no record of the address give none. Immutable.
 *
 * <p>A pattern is a case-insensitive glob ({@code *} any text, {@code ?} one character) matched against the whole OS
 * label {@code NAME FLAVOR} ({@code Windows 7 or 8}) or the name alone ({@code Windows}); link patterns against
 * p0f's link type ({@code DSL}, {@code Ethernet or modem}, {@code generic tunnel or VPN}, ...).
 */
public final class OsRules {
    /** {@link Finding#check()} of OS fingerprint findings. */
    public static final String CHECK = "os";
    public static final String OS = "OS";
    public static final String LINK = "LINK";
    public static final String DISTANCE = "DISTANCE";
    /** The rule ids, in finding order. */
    public static final List<String> RULES = List.of(OS, LINK, DISTANCE);

    /** No policy: nothing scores. */
    public static final OsRules NONE = new OsRules(List.of(), List.of(), -1, 1.0, false);

    /** One glob with an id and a weight. */
    public static final class Glob {
        private final String id;
        private final String glob;
        private final Pattern pattern;
        private final double weight;

        public Glob(String id, String glob, double weight) {
            this.id = Objects.requireNonNull(id);
            this.glob = Objects.requireNonNull(glob).trim();
            if (this.glob.isEmpty()) {
                throw new IllegalArgumentException("an empty pattern");
            }
            this.pattern = compile(this.glob);
            this.weight = weight;
        }

        /** A case-insensitive whole-text glob: {@code *} any text, {@code ?} one character. */
        public static Pattern compile(String glob) {
            StringBuilder re = new StringBuilder();
            StringBuilder literal = new StringBuilder();
            for (char c : glob.toCharArray()) {
                if (c == '*' || c == '?') {
                    if (literal.length() > 0) {
                        re.append(Pattern.quote(literal.toString()));
                        literal.setLength(0);
                    }
                    re.append(c == '*' ? ".*" : ".");
                } else {
                    literal.append(c);
                }
            }
            if (literal.length() > 0) {
                re.append(Pattern.quote(literal.toString()));
            }
            return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
        }

        public String id() {
            return id;
        }

        public String glob() {
            return glob;
        }

        public double weight() {
            return weight;
        }

        public boolean matches(String text) {
            return text != null && !text.isEmpty() && pattern.matcher(text).matches();
        }

        @Override
        public String toString() {
            return id + "='" + glob + "'*" + weight;
        }
    }

    private final List<Glob> os;
    private final List<Glob> links;
    private final int minDistance;
    private final double distanceWeight;
    private final boolean exactOnly;

    /**
     * @param minDistance the least distance in hops that scores {@code distanceWeight} (-1: the rule is off)
     * @param exactOnly OS patterns ignore fuzzy matches of p0f (a signature that matched only approximately)
     */
    public OsRules(List<Glob> os, List<Glob> links, int minDistance, double distanceWeight, boolean exactOnly) {
        this.os = List.copyOf(os);
        this.links = List.copyOf(links);
        this.minDistance = minDistance;
        this.distanceWeight = distanceWeight;
        this.exactOnly = exactOnly;
    }

    public List<Glob> os() {
        return os;
    }

    public List<Glob> links() {
        return links;
    }

    /** The least distance that scores, -1 when the distance rule is off. */
    public int minDistance() {
        return minDistance;
    }

    public double distanceWeight() {
        return distanceWeight;
    }

    public boolean exactOnly() {
        return exactOnly;
    }

    /** True when no policy is configured (nothing can score). */
    public boolean isEmpty() {
        return os.isEmpty() && links.isEmpty() && minDistance < 0;
    }

    /** The OS glob of the highest weight matching the answer's OS, or null. */
    public Glob matchingOs(P0fAnswer a) {
        if (a == null || a.osName().isEmpty() || (exactOnly && a.fuzzy())) {
            return null;
        }
        return best(os, a.os(), a.osName());
    }

    private static Glob best(List<Glob> globs, String text, String alternative) {
        Glob best = null;
        for (Glob g : globs) {
            if ((best == null || g.weight() > best.weight()) && (g.matches(text) || g.matches(alternative))) {
                best = g;
            }
        }
        return best;
    }

    /** Findings for the client address (identity {@code client-ip}). */
    public List<Finding> findings(OsReport r) {
        if (r == null || !r.found() || r.answer() == null || isEmpty()) {
            return List.of();
        }
        P0fAnswer a = r.answer();
        List<Finding> out = new ArrayList<>(2);
        Glob g = matchingOs(a);
        if (g != null) {
            out.add(new Finding(CHECK, OS, g.weight(), detail(r, "pattern " + g.id() + " '" + g.glob() + "'")));
        }
        Glob l = best(links, a.linkType(), a.linkType());
        if (l != null) {
            out.add(new Finding(CHECK, LINK, l.weight(), detail(r, "link pattern " + l.id() + " '" + l.glob() + "'")));
        }
        if (minDistance >= 0 && a.distance() >= minDistance) {
            out.add(new Finding(CHECK, DISTANCE, distanceWeight, detail(r, "at least " + minDistance + " hops")));
        }
        return out;
    }

    /**
     * {@code Windows 7 or 8 (exact), distance 3, link DSL: client-ip 192.0.2.1; pattern windows 'Windows*'}; an
     * unrecognised OS reads {@code unknown OS}. The report counts refusals by the text before the parenthesis.
     */
    public static String detail(OsReport r, String extra) {
        P0fAnswer a = r.answer();
        StringBuilder d = new StringBuilder(96);
        if (a.os().isEmpty()) {
            d.append("unknown OS");
        } else {
            d.append(a.os()).append(" (").append(a.matchDescription()).append(')');
        }
        d.append(", distance ").append(a.distance() < 0 ? "?" : String.valueOf(a.distance()));
        d.append(", link ").append(a.linkType().isEmpty() ? "?" : a.linkType());
        if (a.badSoftware() != 0) {
            d.append(", bad software ").append(a.badSoftware());
        }
        d.append(": client-ip ").append(r.address() == null ? "?" : r.address().getHostAddress());
        if (!extra.isEmpty()) {
            d.append("; ").append(extra);
        }
        return d.toString();
    }

    /** The OS label at the start of a finding's detail ({@code Windows 7 or 8}), or null for unknown or foreign text. */
    public static String osOfDetail(String detail) {
        if (detail == null) {
            return null;
        }
        int p = detail.indexOf(" (");
        int comma = detail.indexOf(", distance ");
        if (p <= 0 || comma < 0 || p > comma) {
            return null;
        }
        return detail.substring(0, p).toLowerCase(Locale.ROOT).equals("unknown os") ? null : detail.substring(0, p);
    }

    @Override
    public String toString() {
        return "OsRules{os=" + os + ", links=" + links + ", minDistance=" + minDistance + "*" + distanceWeight
                + (exactOnly ? ", exact only" : "") + "}";
    }
}
