package io.portcullis.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Redis URI forms the store accepts, checked without loading the Redis client (the configuration and the offline
 * commands use this class; {@link RedisStateStore} does the real parsing):
 * <ul>
 *   <li>one server: {@code redis://[[USER:]PASSWORD@]HOST[:PORT][/DB]}, {@code rediss://} (TLS),
 *   {@code redis-socket:///path/to/socket} (lettuce's syntax);</li>
 *   <li>Sentinel: {@code redis-sentinel://[[USER:]PASSWORD@]HOST[:PORT][,HOST[:PORT]...][/DB]#MASTER}
 *   ({@code rediss-sentinel://} for TLS; lettuce's syntax; the sentinels' default port is 26379): the client asks the
 *   sentinels for the master of {@code MASTER} and asks again after a failover;</li>
 *   <li>Cluster: {@code redis-cluster://[[USER:]PASSWORD@]HOST[:PORT][,HOST[:PORT]...]} ({@code rediss-cluster://}
 *   for TLS; default port 6379): seed nodes of a Redis Cluster (any few of its masters; the client learns the rest
 *   and follows resharding and failover). A cluster has one database only: no {@code /DB}.</li>
 * </ul>
 */
public final class RedisUris {
    /** How the store reaches Redis. */
    public enum Mode {
        STANDALONE, SENTINEL, CLUSTER
    }

    private static final Pattern SCHEME = Pattern.compile("(?i)(redis|rediss|redis-socket|redis-sentinel|rediss-sentinel"
            + "|redis-cluster|rediss-cluster)://(.+)");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[^\\s:/?#,\\[\\]@]+)(?::(\\d{1,5}))?");

    private RedisUris() {
    }

    /** The mode of {@code uri}, or null when it is none of the accepted forms (see {@link #check}). */
    public static Mode mode(String uri) {
        Matcher m = uri == null ? null : SCHEME.matcher(uri.trim());
        if (m == null || !m.matches()) {
            return null;
        }
        String s = m.group(1).toLowerCase(Locale.ROOT);
        return s.endsWith("-sentinel") ? Mode.SENTINEL : s.endsWith("-cluster") ? Mode.CLUSTER : Mode.STANDALONE;
    }

    /** What the accepted forms are, for error messages. */
    public static final String FORMS = "redis://[PASSWORD@]HOST:PORT[/DB], rediss://..., redis-socket://PATH, "
            + "redis-sentinel://[PASSWORD@]HOST:PORT[,HOST:PORT...][/DB]#MASTER or "
            + "redis-cluster://[PASSWORD@]HOST:PORT[,HOST:PORT...]";

    /**
     * Null when {@code uri} is one of the accepted forms, else what is wrong with it (for a configuration error).
     * Checks the shape only (scheme, hosts and ports, Sentinel master name, no database on a cluster).
     */
    public static String problem(String uri) {
        Mode mode = mode(uri);
        if (mode == null) {
            return "expected " + FORMS;
        }
        String rest = uri.trim().substring(uri.trim().indexOf("://") + 3);
        if (mode == Mode.STANDALONE) {
            return rest.isEmpty() || rest.matches(".*\\s.*") ? "expected " + FORMS : null;
        }
        if (mode == Mode.SENTINEL) {
            int hash = rest.indexOf('#');
            boolean masterInQuery = rest.matches("(?i).*[?&]sentinelMasterId=[^&#]+.*");
            if ((hash < 0 || hash == rest.length() - 1) && !masterInQuery) {
                return "a Sentinel URI names the master: redis-sentinel://HOST:PORT[,HOST:PORT...]#MASTER";
            }
            String hosts = hostsPart(hash < 0 ? rest : rest.substring(0, hash));
            return hostsProblem(hosts);
        }
        try {
            seeds(uri);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * The seed nodes of a {@code redis-cluster://} URI, each as a one-server URI ({@code redis://[PASSWORD@]HOST:PORT}
     * with the original query), in order.
     *
     * @throws IllegalArgumentException when {@code uri} is not a valid cluster URI
     */
    public static List<String> seeds(String uri) {
        if (mode(uri) != Mode.CLUSTER) {
            throw new IllegalArgumentException("not a redis-cluster:// URI");
        }
        String u = uri.trim();
        String scheme = u.toLowerCase(Locale.ROOT).startsWith("rediss-") ? "rediss://" : "redis://";
        String rest = u.substring(u.indexOf("://") + 3);
        if (rest.indexOf('#') >= 0) {
            throw new IllegalArgumentException("a cluster URI has no #fragment");
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/', rest.lastIndexOf('@') + 1);
        if (slash >= 0) {
            String db = rest.substring(slash + 1);
            if (!db.isEmpty() && !db.equals("0")) {
                throw new IllegalArgumentException("a Redis Cluster has one database: no /" + db + " in a cluster URI");
            }
            rest = rest.substring(0, slash);
        }
        String userInfo = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at + 1);
            rest = rest.substring(at + 1);
        }
        String problem = hostsProblem(rest);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        List<String> out = new ArrayList<>();
        for (String hp : rest.split(",")) {
            Matcher m = HOST_PORT.matcher(hp.trim());
            m.matches();
            out.add(scheme + userInfo + m.group(1) + ":" + (m.group(2) == null ? "6379" : m.group(2)) + query);
        }
        return Collections.unmodifiableList(out);
    }

    /** {@code uri} without its password, for logs and messages. */
    public static String redact(String uri) {
        return String.valueOf(uri).replaceAll("//[^@/]*@", "//***@");
    }

    private static String hostsPart(String rest) {
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        int at = rest.lastIndexOf('@');
        rest = rest.substring(at + 1);
        int slash = rest.indexOf('/');
        return slash >= 0 ? rest.substring(0, slash) : rest;
    }

    private static String hostsProblem(String hosts) {
        if (hosts.isEmpty()) {
            return "no host in the URI; expected HOST:PORT[,HOST:PORT...]";
        }
        for (String hp : hosts.split(",", -1)) {
            Matcher m = HOST_PORT.matcher(hp.trim());
            if (!m.matches()) {
                return "'" + hp + "' is not HOST[:PORT]";
            }
            if (m.group(2) != null) {
                int port = Integer.parseInt(m.group(2));
                if (port < 1 || port > 65535) {
                    return "port " + port + " is out of range";
                }
            }
        }
        return null;
    }
}
