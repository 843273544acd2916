package io.portcullis.network;

import io.portcullis.verdict.FindingCondition;
import io.portcullis.verdict.FindingCondition.Kind;
import java.util.List;
import java.util.Locale;

/**
 * Matcher condition items about a mail's network owners ({@link NetworkReport}s; unknown and not-found owners never
 * hold): {@code AS<n>} an origin AS, {@code arin}/{@code ripencc}/{@code apnic}/{@code lacnic}/{@code afrinic} the
 * registry, two letters the ISO 3166 country of assignment. They need no policy and ignore observe mode.
 */
public final class OwnerConditions {
    /** {@code AS<n>} (case-insensitive): an origin AS number of the address. */
    public static final Kind<List<NetworkReport>, Long> ASN = FindingCondition.onEvidence("AS<n>",
            token -> {
                if (!token.regionMatches(true, 0, "AS", 0, 2) || token.length() <= 2) {
                    return null;
                }
                Long n = CymruFormat.asn(token);
                if (n == null) {
                    throw new IllegalArgumentException("not an AS number (AS1 .. AS4294967295)");
                }
                return n;
            },
            (asn, owners) -> owners.stream().anyMatch(r -> r.found() && r.asns().contains(asn)));

    /** A registry of assignment (case-insensitive). */
    public static final Kind<List<NetworkReport>, String> REGISTRY = FindingCondition.onEvidence(
            "a registry (arin, ripencc, apnic, lacnic, afrinic)",
            token -> CymruFormat.REGISTRIES.contains(token.toLowerCase(Locale.ROOT))
                    ? token.toLowerCase(Locale.ROOT) : null,
            (registry, owners) -> owners.stream().anyMatch(r -> r.found() && registry.equals(r.registry())));

    /** Two letters: the country the address block is assigned to (not geolocation). */
    public static final Kind<List<NetworkReport>, String> COUNTRY = FindingCondition.onEvidence(
            "a two-letter country code",
            token -> token.matches("[A-Za-z]{2}") ? token.toUpperCase(Locale.ROOT) : null,
            (country, owners) -> owners.stream().anyMatch(r -> r.found() && country.equals(r.country())));

    private OwnerConditions() {
    }
}
