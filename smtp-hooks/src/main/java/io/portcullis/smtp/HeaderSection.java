package io.portcullis.smtp;

import java.util.ArrayList;
import java.util.List;

/** Splits a raw header section (CRLF lines, ISO-8859-1) into unfolded fields; lenient, never throws. */
final class HeaderSection {
    private HeaderSection() {
    }

    /** {@code [name, value]} per field, in order; continuation lines are joined to their field. */
    static List<String[]> fields(String section) {
        List<String[]> out = new ArrayList<>();
        if (section == null) {
            return out;
        }
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : section.split("\r\n|\n")) {
            if (line.isEmpty()) {
                break;
            }
            char c = line.charAt(0);
            if ((c == ' ' || c == '\t') && name != null) {
                value.append(' ').append(line.trim());
                continue;
            }
            if (name != null) {
                out.add(new String[] {name, value.toString()});
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                name = null;
                value.setLength(0);
                continue;
            }
            name = line.substring(0, colon).trim();
            value.setLength(0);
            value.append(line.substring(colon + 1).trim());
        }
        if (name != null) {
            out.add(new String[] {name, value.toString()});
        }
        return out;
    }
}
