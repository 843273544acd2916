package io.portcullis.assembly;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A raw SMTP client for the SMTP-time tests: one command at a time (or pipelined), replies read in full. */
final class SmtpDialog implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private SmtpDialog(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects from the local address {@code client}; does not read the greeting. */
    static SmtpDialog connect(InetAddress client, int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port, client, 0);
        s.setSoTimeout(60_000);
        return new SmtpDialog(s);
    }

    /** Connects from {@code client} to {@code server} (e.g. an IPv6 client to the IPv6 loopback). */
    static SmtpDialog connect(InetAddress client, InetAddress server, int port) throws IOException {
        Socket s = new Socket(server, port, client, 0);
        s.setSoTimeout(60_000);
        return new SmtpDialog(s);
    }

    /**
     * Connects from {@code client} with the receive buffer set before the SYN (its window then differs from a default
     * Linux SYN's, which a test's p0f fingerprint file can relabel as another OS).
     */
    static SmtpDialog connectWithReceiveBuffer(InetAddress client, int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.bind(new java.net.InetSocketAddress(client, 0));
        s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        s.setSoTimeout(60_000);
        return new SmtpDialog(s);
    }

    static SmtpDialog connect(String client, int port) throws IOException {
        return connect(InetAddress.getByName(client), port);
    }

    /** Reads one (possibly multi-line) reply; returns all its lines joined by newlines. */
    String reply() throws IOException {
        StringBuilder sb = new StringBuilder();
        String line;
        do {
            line = readLine();
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return sb.toString();
    }

    /** Reads one line only. */
    String readLine() throws IOException {
        return MailClients.readLine(in);
    }

    void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Sends a command and returns its reply (the last line's code first). */
    String command(String line) throws IOException {
        write(line + "\r\n");
        return reply();
    }

    String greeting() throws IOException {
        return reply();
    }

    String authPlain(String user, String password) throws IOException {
        String token = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password)
                .getBytes(StandardCharsets.UTF_8));
        return command("AUTH PLAIN " + token);
    }

    /** DATA, the message (dot-stuffed, CRLF), the final dot; returns the reply to the final dot. */
    String data(byte[] message) throws IOException {
        String r = command("DATA");
        if (!r.startsWith("354")) {
            return r;
        }
        return body(message);
    }

    String body(byte[] message) throws IOException {
        byte[] m = MailClients.crlf(message);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        boolean lineStart = true;
        for (byte x : m) {
            if (lineStart && x == '.') {
                b.write('.');
            }
            b.write(x);
            lineStart = x == '\n';
        }
        if (m.length > 0 && m[m.length - 1] != '\n') {
            b.write('\r');
            b.write('\n');
        }
        b.write('.');
        b.write('\r');
        b.write('\n');
        out.write(b.toByteArray());
        out.flush();
        return reply();
    }

    /**
     * Greeting, EHLO, MAIL, RCPT, DATA, a conformant message carrying {@code token}, QUIT, each reply timed; stops at
     * the first refusal. Returns {first refusal or end-of-DATA reply, milliseconds per step separated by spaces,
     * token}.
     */
    String[] timedTransaction(String rcpt, String token) throws IOException {
        StringBuilder times = new StringBuilder();
        long s = System.nanoTime();
        String r = greeting();
        times.append(lap(s));
        for (String cmd : new String[] {"EHLO client.example.net", "MAIL FROM:<alice@example.com>",
            "RCPT TO:<" + rcpt + ">", "DATA"}) {
            if (!r.startsWith("2") && !r.startsWith("3")) {
                return new String[] {r, times.toString(), token};
            }
            s = System.nanoTime();
            r = command(cmd);
            times.append(' ').append(lap(s));
        }
        if (!r.startsWith("354")) {
            return new String[] {r, times.toString(), token};
        }
        s = System.nanoTime();
        r = body(MailClients.conformant(token));
        times.append(' ').append(lap(s));
        command("QUIT");
        return new String[] {r, times.toString(), token};
    }

    /**
     * One transaction on a new connection from {@code client} (greeting and EHLO must be accepted): the first refusal
     * of MAIL or RCPT, else the reply at the end of DATA.
     */
    static String transaction(String client, int port, String from, String rcpt, byte[] message) throws IOException {
        try (SmtpDialog d = connect(client, port)) {
            if (!d.greeting().startsWith("220") || !d.command("EHLO client.example.net").startsWith("250")) {
                throw new IOException("greeting or EHLO refused from " + client);
            }
            String r = d.command("MAIL FROM:<" + from + ">");
            if (!r.startsWith("250")) {
                return r;
            }
            r = d.command("RCPT TO:<" + rcpt + ">");
            if (!r.startsWith("250")) {
                return r;
            }
            r = d.data(message);
            d.command("QUIT");
            return r;
        }
    }

    private static long lap(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    /** The sum of the step times of {@link #timedTransaction}. */
    static long total(String times) {
        long sum = 0;
        for (String t : times.trim().split(" ")) {
            sum += Long.parseLong(t);
        }
        return sum;
    }

    static String code(String reply) {
        String[] lines = reply.split("\n");
        return lines[lines.length - 1].substring(0, 3);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
