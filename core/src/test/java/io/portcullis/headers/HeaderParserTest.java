package io.portcullis.headers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The raw header splitter, case by case (RFC 5322 2.1-2.2: fields, folding, line ends, the separator): the fields
 * found and every structural observation, exactly.
 */
class HeaderParserTest {
    private static ParsedHeader parse(String s) {
        return HeaderParser.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** name@line=value for every field, "|" separated. */
    private static String fields(ParsedHeader h) {
        return h.fields.stream().map(f -> f.name() + "@" + f.line() + "=" + f.value()).collect(Collectors.joining("|"));
    }

    /** The line-end counts: crlf/bareLf/bareCr. */
    private static String ends(ParsedHeader h) {
        return h.crlfCount + "/" + h.bareLfCount + "/" + h.bareCrCount;
    }

    private static String repeat(char c, int n) {
        char[] a = new char[n];
        Arrays.fill(a, c);
        return new String(a);
    }

    @Test
    void fieldsThenSeparator() {
        ParsedHeader h = parse("From: a@b.example\r\nSubject:  Hi  \r\n\r\nbody\r\n");
        assertThat(fields(h)).isEqualTo("From@1=a@b.example|Subject@2=Hi");
        assertThat(h.end).isEqualTo(ParsedHeader.End.SEPARATOR);
        assertThat(ends(h)).isEqualTo("3/0/0");
        assertThat(h.headerLength).as("up to and including the empty line").isEqualTo(37);
        assertThat(h.bodyStartLine).isNull();
        assertThat(h.badFieldNameCount).isZero();
        assertThat(h.firstBadFieldName).isNull();
        assertThat(h.first("subject").lowerName()).isEqualTo("subject");
        assertThat(h.first("from").lowerName()).isEqualTo("from");
        assertThat(h.first("to")).isNull();
    }

    @Test
    void foldedValueIsUnfoldedKeepingItsWhiteSpace() {
        ParsedHeader h = parse("Subject: a\r\n\tb\r\n  c\r\nX: y\r\n\r\n");
        assertThat(fields(h)).isEqualTo("Subject@1=a\tb  c|X@4=y");
        assertThat(h.first("subject").longestBlankRun()).as("indentation of a folded line does not count").isEqualTo(0);
    }

    @Test
    void longestBlankRunCountsInnerRunsOnly() {
        ParsedHeader h = parse("Subject:    a   b c     \r\n\r\n");
        HeaderField f = h.first("subject");
        assertThat(f.value()).isEqualTo("a   b c");
        assertThat(f.longestBlankRun()).isEqualTo(3);
        assertThat(parse("Subject: a b\r\n\r\n").first("subject").longestBlankRun()).isEqualTo(1);
        assertThat(parse("Subject: ab\r\n\r\n").first("subject").longestBlankRun()).isEqualTo(0);
        assertThat(parse("Subject:\r\n\r\n").first("subject").value()).isEmpty();
        assertThat(parse("Subject: \t \r\n\r\n").first("subject").value()).isEmpty();
    }

    @Test
    void endOfInputAfterTheLastField() {
        ParsedHeader h = parse("A: 1\r\nB: 2\r\n");
        assertThat(fields(h)).isEqualTo("A@1=1|B@2=2");
        assertThat(h.end).isEqualTo(ParsedHeader.End.END_OF_INPUT);
        assertThat(h.headerLength).isEqualTo(12);
        ParsedHeader noEol = parse("A: 1\r\nB: 2");
        assertThat(fields(noEol)).isEqualTo("A@1=1|B@2=2");
        assertThat(noEol.end).isEqualTo(ParsedHeader.End.END_OF_INPUT);
        assertThat(ends(noEol)).isEqualTo("1/0/0");
        assertThat(parse("").end).isEqualTo(ParsedHeader.End.END_OF_INPUT);
        assertThat(parse("").fields).isEmpty();
    }

    @Test
    void bareLineEnds() {
        ParsedHeader lf = parse("A: 1\nB: 2\r\n\nbody");
        assertThat(fields(lf)).isEqualTo("A@1=1|B@2=2");
        assertThat(ends(lf)).isEqualTo("1/2/0");
        assertThat(lf.end).isEqualTo(ParsedHeader.End.SEPARATOR);
        assertThat(lf.headerLength).isEqualTo(12);
        // a CR not followed by LF is data (and counted); CR CR LF: the first is bare
        ParsedHeader cr = parse("A: 1\rx\r\r\nB: 2\r");
        assertThat(ends(cr)).isEqualTo("1/0/3");
        assertThat(fields(cr)).as("CR and LF are no part of a value").isEqualTo("A@1=1x|B@2=2");
        // an LF as the very first octet: an empty first line, the separator
        ParsedHeader first = parse("\nA: 1\r\n");
        assertThat(first.end).isEqualTo(ParsedHeader.End.SEPARATOR);
        assertThat(ends(first)).isEqualTo("0/1/0");
        assertThat(first.fields).isEmpty();
        assertThat(first.headerLength).isEqualTo(1);
    }

    @Test
    void bodyWithoutSeparator() {
        ParsedHeader h = parse("A: 1\r\nthis line has no colon and is rather long, too long to show\r\nB: 2\r\n");
        assertThat(fields(h)).isEqualTo("A@1=1");
        assertThat(h.end).isEqualTo(ParsedHeader.End.BODY_WITHOUT_SEPARATOR);
        assertThat(h.bodyStartLine).isEqualTo("this line has no colon and is rather lon...");
        ParsedHeader shortLine = parse("A: 1\r\nhello\u0001\u00e9 you");
        assertThat(shortLine.bodyStartLine).as("non-printable octets shown as '?'").isEqualTo("hello?? you");
        assertThat(shortLine.end).isEqualTo(ParsedHeader.End.BODY_WITHOUT_SEPARATOR);
        assertThat(parse("A: 1\r\n" + repeat('x', 40) + "\r\n").bodyStartLine).isEqualTo(repeat('x', 40));
        assertThat(parse("A: 1\r\n" + repeat('x', 41) + "\r\n").bodyStartLine).isEqualTo(repeat('x', 40) + "...");
        assertThat(parse("A: 1\r\n~ \u007f").bodyStartLine).isEqualTo("~ ?");
    }

    @Test
    void badFieldNames() {
        assertThat(parse(": v\r\n\r\n").firstBadFieldName).isEqualTo("line 1 ':': empty field name");
        assertThat(parse("Sub ject: v\r\n\r\n").firstBadFieldName)
                .isEqualTo("line 1 'Sub ject:': white space inside field name");
        assertThat(parse("Sub\tject: v\r\n\r\n").firstBadFieldName)
                .isEqualTo("line 1 'Sub?ject:': white space inside field name");
        assertThat(parse("A: 1\r\nSub\u0001ject: v\r\n\r\n").firstBadFieldName)
                .isEqualTo("line 2 'Sub?ject:': control character in field name");
        assertThat(parse("Subj\u00e9ct: v\r\n\r\n").firstBadFieldName)
                .isEqualTo("line 1 'Subj?ct:': 8-bit octet in field name");
        assertThat(parse("Subj\u007fct: v\r\n\r\n").firstBadFieldName)
                .isEqualTo("line 1 'Subj?ct:': 8-bit octet in field name");
        ParsedHeader wsp = parse("Subject \t: v\r\nX : y\r\n\r\n");
        assertThat(wsp.firstBadFieldName).isEqualTo("line 1 'Subject ?:': white space before the colon");
        assertThat(wsp.badFieldNameCount).isEqualTo(2);
        assertThat(fields(wsp)).as("the name without the white space").isEqualTo("Subject@1=v|X@2=y");
        // the printable range 33..126 is allowed, '!' and '~' included
        ParsedHeader edges = parse("!~: v\r\n\r\n");
        assertThat(edges.badFieldNameCount).isZero();
        assertThat(fields(edges)).isEqualTo("!~@1=v");
        ParsedHeader cont = parse(" orphan: x\r\nA: 1\r\n\r\n");
        assertThat(cont.firstBadFieldName).isEqualTo("line 1 is a continuation line with no field before it");
        assertThat(cont.badFieldNameCount).isEqualTo(1);
        assertThat(fields(cont)).isEqualTo("A@2=1");
        String longName = repeat('N', 50) + " x: v\r\n\r\n";
        assertThat(parse(longName).firstBadFieldName)
                .isEqualTo("line 1 '" + repeat('N', 40) + "...': white space inside field name");
    }

    @Test
    void eightBitValuesAndNames() {
        HeaderField utf8 = HeaderParser.parse("Subject: gr\u00fc\u00dfe\r\n\r\n".getBytes(StandardCharsets.UTF_8))
                .first("subject");
        assertThat(utf8.eightBit()).isTrue();
        assertThat(utf8.validUtf8()).isTrue();
        HeaderField latin = parse("Subject: gr\u00fc\u00dfe\r\n\r\n").first("subject");
        assertThat(latin.eightBit()).isTrue();
        assertThat(latin.validUtf8()).isFalse();
        HeaderField ascii = parse("Subject: plain\r\n\r\n").first("subject");
        assertThat(ascii.eightBit()).isFalse();
        assertThat(ascii.validUtf8()).isTrue();
        HeaderField name = parse("X-\u00e9: plain\r\n\r\n").first("x-\u00e9");
        assertThat(name.eightBit()).as("an 8-bit name makes the field 8-bit").isTrue();
        assertThat(name.validUtf8()).isFalse();
        assertThat(parse("Subject: a\u0080\r\n\r\n").first("subject").eightBit()).isTrue();
        assertThat(parse("X-\u0080: v\r\n\r\n").first("x-\u0080").eightBit()).isTrue();
        assertThat(parse("Subject:   ").first("subject").value()).as("blank value at the end of input").isEmpty();
        HeaderField del = parse("Subject: a\u007fb\r\n\r\n").first("subject");
        assertThat(del.eightBit()).as("DEL is 7-bit").isFalse();
    }

    @Test
    void namesAreLowerCasedInAsciiOnly() {
        assertThat(HeaderParser.asciiLower("Message-ID")).isEqualTo("message-id");
        assertThat(HeaderParser.asciiLower("received")).isEqualTo("received");
        assertThat(HeaderParser.asciiLower("xAZ@[`")).isEqualTo("xaz@[`");
        assertThat(HeaderParser.asciiLower("\u00c9A")).isEqualTo("\u00c9a");
        assertThat(HeaderParser.asciiLower("")).isEmpty();
        assertThat(HeaderParser.asciiLower("xZ")).isEqualTo("xz");
        assertThat(HeaderParser.asciiLower("xA")).isEqualTo("xa");
    }

    @Test
    void longLines() {
        String ok = "A: " + repeat('a', 995) + "\r\n"; // 998: allowed
        String l1 = "B: " + repeat('b', 997) + "\r\n"; // 1000
        String l2 = "C: " + repeat('c', 997) + "\r\n"; // 1000, not longer
        String l3 = "D: " + repeat('d', 1197) + "\r\n"; // 1200
        String l4 = "E: " + repeat('e', 996) + "\r\n"; // 999
        ParsedHeader h = parse(ok + l1 + l2 + l3 + l4 + "\r\n");
        assertThat(h.longLineCount).isEqualTo(4);
        assertThat(h.longestLine).isEqualTo(1200);
        assertThat(h.longestLineNumber).isEqualTo(4);
        ParsedHeader ties = parse(ok + l1 + l2 + "\r\n");
        assertThat(ties.longestLine).isEqualTo(1000);
        assertThat(ties.longestLineNumber).as("the first of equally long lines").isEqualTo(2);
        ParsedHeader none = parse(ok + "\r\n");
        assertThat(none.longLineCount).isZero();
        assertThat(none.longestLine).isZero();
        assertThat(none.longestLineNumber).isZero();
        assertThat(parse("A: " + repeat('a', 995) + "\n\n").longLineCount).as("a bare LF is no part of the line")
                .isZero();
    }

    @Test
    void sizeLimit() {
        int max = HeaderParser.MAX_HEADER_BYTES;
        // fields up to exactly the limit, then more: LIMIT, the cut line not judged
        StringBuilder sb = new StringBuilder();
        String line = "X: " + repeat('v', 995) + "\r\n"; // 1000 octets
        while (sb.length() + line.length() <= max) {
            sb.append(line);
        }
        int whole = sb.length();
        sb.append(repeat('y', max - whole)).append("\r\nmore: x\r\n\r\n");
        ParsedHeader cut = parse(sb.toString());
        assertThat(cut.end).isEqualTo(ParsedHeader.End.LIMIT);
        assertThat(cut.fields).hasSize(whole / 1000);
        assertThat(cut.headerLength).isEqualTo(max);
        assertThat(cut.bodyStartLine).as("the cut line is no body").isNull();
        // exactly at the limit after a whole line, with more input: LIMIT
        ParsedHeader atLine = parse(sb.substring(0, whole) + "rest");
        assertThat(atLine.end).isEqualTo(whole == max ? ParsedHeader.End.LIMIT : ParsedHeader.End.BODY_WITHOUT_SEPARATOR);
        String exact = repeat('z', 0);
        StringBuilder full = new StringBuilder();
        String l = "Y: " + repeat('w', 1019) + "\r\n"; // 1024 octets: 1024 of them fill the limit exactly
        for (int i = 0; i < max / 1024; i++) {
            full.append(l);
        }
        assertThat(full.length()).isEqualTo(max);
        ParsedHeader filled = parse(full + exact);
        assertThat(filled.end).as("the whole input read").isEqualTo(ParsedHeader.End.END_OF_INPUT);
        ParsedHeader over = parse(full + "Z: 1\r\n\r\n");
        assertThat(over.end).isEqualTo(ParsedHeader.End.LIMIT);
        assertThat(over.fields).hasSize(max / 1024);
        // a CR as the last examined octet, more input after the limit: not counted (its LF may follow)
        ParsedHeader crAtLimit = parse(full.substring(0, max - 2) + "x\r\n\r\n");
        assertThat(crAtLimit.bareCrCount).isZero();
        assertThat(crAtLimit.end).isEqualTo(ParsedHeader.End.LIMIT);
        // the same CR as the last octet of the whole input: a bare CR
        assertThat(parse(full.substring(0, max - 2) + "x\r").bareCrCount).isEqualTo(1);
    }

    @Test
    void fieldLimit() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < HeaderParser.MAX_FIELDS + 1; i++) {
            sb.append("X: ").append(i).append("\r\n");
        }
        ParsedHeader h = parse(sb + "\r\n");
        assertThat(h.fields).hasSize(HeaderParser.MAX_FIELDS);
        assertThat(h.end).isEqualTo(ParsedHeader.End.LIMIT);
        StringBuilder exact = new StringBuilder();
        for (int i = 0; i < HeaderParser.MAX_FIELDS; i++) {
            exact.append("X: ").append(i).append("\r\n");
        }
        ParsedHeader e = parse(exact + "\r\n");
        assertThat(e.fields).hasSize(HeaderParser.MAX_FIELDS);
        assertThat(e.end).isEqualTo(ParsedHeader.End.SEPARATOR);
        assertThat(e.count("x")).isEqualTo(HeaderParser.MAX_FIELDS);
        assertThat(e.all("x").get(1).value()).isEqualTo("1");
        assertThat(e.all("y")).isEmpty();
        assertThat(e.has("y")).isFalse();
        assertThat(e.count("y")).isZero();
    }
}
