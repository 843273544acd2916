package io.portcullis.headers;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Zone plausibility for ABSURD_DATE_ZONE and DATE_ZONE_MISMATCH. RFC 5322 3.3 allows any {@code +/-hhmm} syntactically,
 * but real UTC offsets run from -1200 to +1400 and their minutes are 00, 30 or 45. A trailing comment
 * naming a well-known abbreviation (e.g. {@code -0500 (PST)}) must agree with the numeric offset;
 * ambiguous abbreviations list every offset they are used for, and unknown names are not judged.
 */
final class Zones {
    private static final Map<String, int[]> NAMED = new HashMap<>();

    static {
        put("UT", 0);
        put("UTC", 0);
        put("GMT", 0);
        put("Z", 0);
        put("WET", 0);
        put("WEST", 60);
        put("BST", 60, 360, -660);
        put("IST", 60, 120, 330);
        put("CET", 60);
        put("MET", 60);
        put("MEZ", 60);
        put("CEST", 120);
        put("MEST", 120);
        put("MESZ", 120);
        put("EET", 120);
        put("EEST", 180);
        put("MSK", 180, 240);
        put("MSD", 240);
        put("EST", -300, 600, 660);
        put("EDT", -240, 660);
        put("CST", -360, 480, -300, 570, 630);
        put("CDT", -300, 630, -240);
        put("MST", -420);
        put("MDT", -360);
        put("PST", -480, 480);
        put("PDT", -420);
        put("AKST", -540);
        put("AKDT", -480);
        put("HST", -600);
        put("AST", -240, 180);
        put("ADT", -180);
        put("NST", -210);
        put("NDT", -150);
        put("JST", 540);
        put("KST", 540);
        put("HKT", 480);
        put("SGT", 480);
        put("AEST", 600);
        put("AEDT", 660);
        put("ACST", 570);
        put("ACDT", 630);
        put("AWST", 480);
        put("NZST", 720);
        put("NZDT", 780);
    }

    private static void put(String name, int... offsets) {
        NAMED.put(name, offsets);
    }

    private Zones() {
    }

    /** The first offset (minutes) a zone abbreviation is used for, or MIN_VALUE when unknown. */
    static int offsetOf(String name) {
        int[] o = NAMED.get(name.toUpperCase(Locale.ROOT));
        return o == null ? Integer.MIN_VALUE : o[0];
    }

    /** Why the numeric zone of a valid date cannot be a real UTC offset, or null. */
    static String impossible(ParsedDate d) {
        if (d.zoneKind() == ParsedDate.ZoneKind.NUMERIC) {
            int off = d.offsetMinutes();
            int mm = d.zoneMinutes();
            if (off > 14 * 60 || off < -12 * 60 || mm >= 60) {
                return "zone " + d.zoneText() + " is not a real UTC offset (real zones are -1200 to +1400)";
            }
            if (mm != 0 && mm != 30 && mm != 45) {
                return "zone " + d.zoneText() + " has minutes " + mm + "; real zones use 00, 30 or 45";
            }
        }
        return null;
    }

    /** How the offset of a valid date contradicts the zone named in the comment after it, or null. */
    static String mismatch(ParsedDate d) {
        String comment = d.zoneComment();
        if (comment == null || comment.isEmpty() || comment.length() > 5) {
            return null;
        }
        int[] offsets = NAMED.get(comment.toUpperCase(Locale.ROOT));
        if (offsets == null || !comment.equals(comment.toUpperCase(Locale.ROOT))) {
            return null;
        }
        for (int o : offsets) {
            if (o == d.offsetMinutes()) {
                return null;
            }
        }
        if (d.zoneKind() == ParsedDate.ZoneKind.MILITARY) {
            return null;
        }
        if (d.zoneKind() == ParsedDate.ZoneKind.NUMERIC && d.offsetMinutes() == 0 && d.zoneText().startsWith("-")) {
            return null; // -0000: "local zone unknown" (RFC 5322 3.3); the comment may still name it
        }
        return "zone " + d.zoneText() + " contradicts the named zone (" + comment + ")";
    }
}
