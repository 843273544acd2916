package io.portcullis.dnsbl;

import java.util.Objects;

/** What one return code of a list means: a label (e.g. {@code SBL}) and its weight. Immutable. */
public final class CodeInfo {
    private final String label;
    private final double weight;

    public CodeInfo(String label, double weight) {
        this.label = Objects.requireNonNull(label, "label");
        this.weight = weight;
    }

    public String label() {
        return label;
    }

    public double weight() {
        return weight;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodeInfo && ((CodeInfo) o).label.equals(label)
                && Double.compare(((CodeInfo) o).weight, weight) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(label, weight);
    }

    @Override
    public String toString() {
        return label + ":" + weight;
    }
}
