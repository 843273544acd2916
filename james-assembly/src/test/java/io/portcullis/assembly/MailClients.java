package io.portcullis.assembly;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Minimal byte-exact SMTP and IMAP clients for the integration tests (no charset conversion anywhere). */
final class MailClients {
    private MailClients() {
    }

    /** Normalises line endings to CRLF, as a sending MTA does. */
    static byte[] crlf(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 256);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '\n' && (i == 0 || in[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    /** Sends one message; returns the final reply line of DATA. Fails on any unexpected reply. */
    static String sendSmtp(int port, String from, String to, byte[] message) throws IOException {
        return sendSmtp(java.net.InetAddress.getLoopbackAddress(), port, from, to, message);
    }

    /** Sends one message from the local address {@code client} (e.g. 127.0.0.2, a "listed" loopback address). */
    static String sendSmtp(java.net.InetAddress client, int port, String from, String to, byte[] message)
            throws IOException {
        try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port, client, 0)) {
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            command(out, "EHLO client.example.net");
            expect(in, "250");
            command(out, "MAIL FROM:<" + from + ">");
            expect(in, "250");
            command(out, "RCPT TO:<" + to + ">");
            expect(in, "250");
            command(out, "DATA");
            expect(in, "354");
            out.write(dotStuff(crlf(message)));
            if (message.length > 0 && message[message.length - 1] != '\n') {
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = expect(in, "250");
            command(out, "QUIT");
            return reply;
        }
    }

    private static byte[] dotStuff(byte[] m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.length + 64);
        boolean lineStart = true;
        for (byte b : m) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        return out.toByteArray();
    }

    private static void command(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads a (possibly multi-line) SMTP reply and checks its code. */
    private static String expect(InputStream in, String code) throws IOException {
        String line;
        do {
            line = readLine(in);
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(code)) {
            throw new IOException("expected " + code + ", got: " + line);
        }
        return line;
    }

    /** A short random token to find a test message again (Subject, Message-ID). */
    static String token() {
        return java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** A conformant message to the demo user (no header finding), carrying {@code token}. */
    static byte[] conformant(String token) {
        String date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now().withNano(0));
        return ("Date: " + date + "\r\n"
                + "From: Alice Example <alice@example.com>\r\n"
                + "To: Demo <" + PortcullisServer.DEMO_USER + ">\r\n"
                + "Subject: Hello " + token + "\r\n"
                + "Message-ID: <" + token + "@mail.example.com>\r\n"
                + "\r\n"
                + "Hello.\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** One line without its CR LF; fails when the connection closed before any byte. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        return new String(b.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}$");

    /** All messages of a folder, as the raw bytes IMAP serves (BODY.PEEK[]); empty if the folder does not exist. */
    static List<byte[]> fetchAll(int port, String user, String password, String folder) throws IOException {
        List<byte[]> messages = new ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            readLine(in); // greeting
            command(out, "a1 LOGIN \"" + user + "\" \"" + password + "\"");
            if (!untilTagged(in, "a1", null).startsWith("a1 OK")) {
                throw new IOException("IMAP login failed");
            }
            command(out, "a2 EXAMINE \"" + folder + "\"");
            if (!untilTagged(in, "a2", null).startsWith("a2 OK")) {
                command(out, "a9 LOGOUT");
                return messages;
            }
            command(out, "a3 UID FETCH 1:* (BODY.PEEK[])");
            untilTagged(in, "a3", messages);
            command(out, "a4 LOGOUT");
        }
        return messages;
    }

    private static String untilTagged(InputStream in, String tag, List<byte[]> literals) throws IOException {
        while (true) {
            String line = readLine(in);
            if (line.startsWith(tag + " ")) {
                return line;
            }
            Matcher m = LITERAL.matcher(line);
            if (m.find()) {
                int n = Integer.parseInt(m.group(1));
                byte[] data = in.readNBytes(n);
                if (literals != null) {
                    literals.add(data);
                }
            }
        }
    }

    /** The header block (up to and including the empty line). */
    static String headers(byte[] message) {
        String s = new String(message, StandardCharsets.ISO_8859_1);
        int end = s.indexOf("\r\n\r\n");
        return end < 0 ? s : s.substring(0, end + 4);
    }

    /** Unfolded value of the first header with that name, or null. */
    static String header(byte[] message, String name) {
        String unfolded = headers(message).replace("\r\n ", " ").replace("\r\n\t", " ");
        for (String line : unfolded.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
