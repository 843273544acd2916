package io.portcullis.config;

import static io.portcullis.config.ConfigKey.Type.BOOL;
import static io.portcullis.config.ConfigKey.Type.CHOICE;
import static io.portcullis.config.ConfigKey.Type.DURATION;
import static io.portcullis.config.ConfigKey.Type.INT;
import static io.portcullis.config.ConfigKey.Type.LIST;
import static io.portcullis.config.ConfigKey.Type.NUMBER;
import static io.portcullis.config.ConfigKey.Type.PATH;
import static io.portcullis.config.ConfigKey.Type.TEXT;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The configuration table: every key of {@code portcullis.properties}, one row each ({@link ConfigKey}: key or
 * pattern, type, default, one line of documentation, since). Parsing takes defaults from here, a key no row matches
 * is unknown, and the README's reference ({@link ConfigReference}) and the sample file's test are derived from it.
 * To add a key: one row here (in its section, {@code since} the next version), then read it where it is used
 * through {@link ConfigValues} ({@code v.bool(Keys.X)}, {@code v.positiveInt(Keys.X)}, ...), and add it, commented
 * with its default, to {@code conf/portcullis.properties}; regenerate the README ({@code ./portcullis
 * config-reference --write README.md}).
 */
public final class Keys {
    /** The version new rows name in {@code since} unless they say otherwise. */
    static final String V0_1 = "0.1";
    private static final List<ConfigKey> TABLE = new ArrayList<>();

    // --- policy, headers -------------------------------------------------------------------------------------
    public static final ConfigKey POLICY_TAG = k(NUMBER, "policy.tag-threshold", "5", "score at which mail is tagged");
    public static final ConfigKey POLICY_TARPIT = k(NUMBER, "policy.tarpit-threshold", "10", "score at which the client is slowed down (SMTP time)");
    public static final ConfigKey POLICY_REJECT = k(NUMBER, "policy.reject-threshold", "15", "score at which mail is refused (SMTP time)");
    public static final ConfigKey HEADERS_ENABLED = k(BOOL, "headers.enabled", "true", "run the header conformance check");
    public static final ConfigKey HEADERS_RULE = k(TEXT, "headers.rule.<RULE>", "{the rule's default}", "`<score>`, `off` or `default` (ids: `./portcullis rules`)");
    public static final ConfigKey HEADERS_MODE = k(CHOICE, "headers.mode", "enforce", "`observe`: the whole header check in observe mode");
    public static final ConfigKey HEADERS_RULE_MODE = k(CHOICE, "headers.rule.<RULE>.mode", "enforce", "`observe`: one header rule in observe mode");
    // --- dns -------------------------------------------------------------------------------------------------
    public static final ConfigKey DNS_SERVERS = k(LIST, "dns.servers", "system", "resolvers, `IP[:PORT]` comma list (`1.2.3.4`, `1.2.3.4:5353`, `::1`, `[::1]:5353`); IP literals only, never looked up (a host name or `999.1.1.1` fails at start), or `system` (resolv.conf); a WARN when they answer nothing (see Deploying, step 3)");
    public static final ConfigKey DNS_TIMEOUT = k(INT, "dns.timeout-ms", "1500", "time allowed for one question (two tries per resolver; an answer to an earlier try is taken until this is spent)");
    public static final ConfigKey DNS_MAX_IN_FLIGHT = k(INT, "dns.max-in-flight", "500", "questions outstanding at once; beyond, \"unknown\" (`OVER_CAP`) at once; cache hits and questions joined to the same one in flight take no place");
    public static final ConfigKey DNS_MAX_IN_FLIGHT_PER_CLIENT = k(INT, "dns.max-in-flight-per-client", "{max(4, `dns.max-in-flight` / 8)}", "questions outstanding at once on behalf of one SMTP client network (/24, /64 for IPv6); beyond, `OVER_CAP` for that client only. Portcullis's own questions (self-test, pipeline, CLI) have no per-client share");
    public static final ConfigKey DNS_RESERVED_FOR_LISTS = k(INT, "dns.reserved-for-lists", "25", "percent (0..99) of `dns.max-in-flight` only DNS list questions (A/TXT of DNSBL and nameserver lists) may use; reverse, NS and host address questions get the rest");
    public static final ConfigKey DNS_CACHE_SIZE = k(INT, "dns.cache-size", "20000", "answers cached (TTL honoured, negative answers too); `0` = off");
    public static final ConfigKey DNS_BUDGET = k(INT, "dns.budget-ms", "3500", "longest wait for all the DNS answers of one message; past it, \"unknown\"");
    // --- dnsbl -----------------------------------------------------------------------------------------------
    public static final ConfigKey DNSBL_ENABLED = k(BOOL, "dnsbl.enabled", "true", "run the DNS list checks");
    public static final ConfigKey DNSBL_LIST = k(TEXT, "dnsbl.list.<id>", null, "`[ip:|name:]ZONE[=FILTER][*WEIGHT]`, see below");
    public static final ConfigKey DNSBL_LIST_CODES = k(LIST, "dnsbl.list.<id>.codes", null, "`CODE LABEL WEIGHT, ...` per-code labels and weights");
    public static final ConfigKey DNSBL_LIST_REASON = k(BOOL, "dnsbl.list.<id>.reason", "true", "fetch the TXT reason of a listing (sanitised)");
    public static final ConfigKey DNSBL_LIST_IDENTITIES = k(LIST, "dnsbl.list.<id>.identities", "{all of its kind}", "`client-ip, received-ip` (ip lists); `helo, rdns, mail-from, from-header` (name lists)");
    public static final ConfigKey DNSBL_MODE = k(CHOICE, "dnsbl.mode", "enforce", "`observe`: every DNS list in observe mode");
    public static final ConfigKey DNSBL_LIST_MODE = k(CHOICE, "dnsbl.list.<id>.mode", "enforce", "`observe`: one DNS list in observe mode");
    public static final ConfigKey DNSBL_SELF_TEST = k(BOOL, "dnsbl.self-test", "true", "RFC 5782 self-test at start and periodically; failing lists are suspended");
    public static final ConfigKey DNSBL_SELF_TEST_INTERVAL = k(INT, "dnsbl.self-test-interval-minutes", "10", "how often the lists are self-tested");
    public static final ConfigKey DNSBL_TRUSTED = k(LIST, "dnsbl.trusted-networks", null, "relays whose Received headers are believed; then the first untrusted hop is checked too");
    public static final ConfigKey DNSBL_ALLOW = k(LIST, "dnsbl.allow", null, "networks and domains never looked up");
    // --- nameservers -----------------------------------------------------------------------------------------
    public static final ConfigKey NS_ENABLED = k(BOOL, "nameservers.enabled", "false", "run the shared-spam-nameserver check in the pipeline");
    public static final ConfigKey NS_MAX_NAMES = k(INT, "nameservers.max-names", "4", "names walked per mail");
    public static final ConfigKey NS_MAX_HOSTS = k(INT, "nameservers.max-hosts", "8", "NS hosts per mail");
    public static final ConfigKey NS_MAX_ADDRESSES = k(INT, "nameservers.max-addresses", "16", "NS addresses per mail");
    public static final ConfigKey NS_LOCAL_LIST = k(PATH, "nameservers.local-list", null, "file: NS host names, NS domains, IPs, CIDRs, `#` comments; re-read when it changes (relative to the configuration file)");
    public static final ConfigKey NS_LOCAL_LIST_SCORE = k(NUMBER, "nameservers.local-list.score", "4", "score of a local-list hit");
    public static final ConfigKey NS_LIST = k(TEXT, "nameservers.list.<id>", null, "`ns-name:ZONE[=FILTER][*WEIGHT]` (NS names as an RHSBL) or `ns-ip:...` (NS addresses)");
    public static final ConfigKey NS_LIST_CODES = k(LIST, "nameservers.list.<id>.codes", null, "as for `dnsbl.list.<id>.codes`");
    public static final ConfigKey NS_LIST_REASON = k(BOOL, "nameservers.list.<id>.reason", "true", "as for `dnsbl.list.<id>.reason`");
    public static final ConfigKey NS_LEARNED_ENABLED = k(BOOL, "nameservers.learned.enabled", "true", "consult the learned nameservers");
    public static final ConfigKey NS_LEARNED_SCORE = k(NUMBER, "nameservers.learned.score", "3", "score of a learned hit");
    public static final ConfigKey NS_LEARNED_MIN_SPAM_DOMAINS = k(INT, "nameservers.learned.min-spam-domains", "5", "distinct spam sender domains before an NS is listed");
    public static final ConfigKey NS_LEARNED_MIN_SPAM_RATIO = k(NUMBER, "nameservers.learned.min-spam-ratio", "0.9", "and spam / (spam + ham) at least this");
    public static final ConfigKey NS_LEARNED_WINDOW = k(INT, "nameservers.learned.window-days", "30", "ageing window (at most `store.retention-days`)");
    public static final ConfigKey NS_LEARNED_ALLOW = k(LIST, "nameservers.learned.allow", "default", "NS never learned: `default` (shipped list of hosters, DNS providers, registrars), `none`, or a list");
    public static final ConfigKey NS_LEARNED_ALLOW_EXTRA = k(LIST, "nameservers.learned.allow-extra", null, "entries added to the allow list");
    public static final ConfigKey NS_MODE = k(CHOICE, "nameservers.mode", "enforce", "`observe`: the whole nameserver check in observe mode");
    public static final ConfigKey NS_LOCAL_LIST_MODE = k(CHOICE, "nameservers.local-list.mode", "enforce", "`observe`: the local list in observe mode");
    public static final ConfigKey NS_LEARNED_MODE = k(CHOICE, "nameservers.learned.mode", "enforce", "`observe`: the learned nameservers in observe mode");
    public static final ConfigKey NS_LIST_MODE = k(CHOICE, "nameservers.list.<id>.mode", "enforce", "`observe`: one `ns-name:`/`ns-ip:` list in observe mode");
    // --- store -----------------------------------------------------------------------------------------------
    public static final ConfigKey STORE_TYPE = k(CHOICE, "store.type", "embedded", "`embedded` or `redis`");
    public static final ConfigKey STORE_DIRECTORY = k(PATH, "store.directory", "var/portcullis/state", "embedded store, relative to James's working directory");
    public static final ConfigKey STORE_RETENTION = k(INT, "store.retention-days", "30", "how long a learned domain is remembered");
    public static final ConfigKey STORE_FSYNC_INTERVAL = k(INT, "store.fsync-interval-ms", "1000", "embedded journal forced to disk at most this often (0: every record)");
    public static final ConfigKey STORE_REDIS_URI = k(TEXT, "store.redis.uri", null, "Redis store; the scheme picks the kind of Redis: `redis://[PASSWORD@]HOST:PORT[/DB]` (one server; `rediss://` for TLS, `redis-socket:///PATH`), `redis-sentinel://HOST:PORT[,HOST:PORT...][/DB]#MASTER`, `redis-cluster://HOST:PORT[,HOST:PORT...]` (see Redis below)");
    public static final ConfigKey STORE_REDIS_PREFIX = k(TEXT, "store.redis.prefix", "portcullis:", "Redis key prefix");
    public static final ConfigKey STORE_REDIS_TIMEOUT = k(INT, "store.redis.timeout-ms", "500", "Redis command timeout");
    // --- smtp ------------------------------------------------------------------------------------------------
    public static final ConfigKey SMTP_ENABLED = k(BOOL, "smtp.enabled", "true", "the SMTP handler acts (when listed in `smtpserver.xml`)");
    public static final ConfigKey SMTP_MODE = k(CHOICE, "smtp.mode", "enforce", "`observe`: log and attach findings, never refuse or tarpit (unfinished lookups are still waited for, up to `smtp.budget-ms`, so the log says what enforce would do)");
    public static final ConfigKey SMTP_REJECT = k(NUMBER, "smtp.reject-threshold", "{`policy.reject-threshold`}", "550 at RCPT / end of DATA");
    public static final ConfigKey SMTP_TEMPFAIL = k(NUMBER, "smtp.tempfail-threshold", "off", "451 4.7.1 from this score (below the reject threshold)");
    public static final ConfigKey SMTP_TARPIT = k(NUMBER, "smtp.tarpit-threshold", "{`policy.tarpit-threshold`}", "replies delayed from this score (also above the reject threshold)");
    public static final ConfigKey SMTP_GREYLIST = k(NUMBER, "smtp.greylist-threshold", "off", "greylist band: from this score (below temp-fail and reject), 451 4.7.1 at RCPT for a triplet that has not retried properly");
    public static final ConfigKey SMTP_GREYLIST_DELAY = k(DURATION, "smtp.greylist.delay", "5m", "a retry passes after this delay (`s`, `m`, `h`, `d`)");
    public static final ConfigKey SMTP_GREYLIST_WINDOW = k(DURATION, "smtp.greylist.window", "24h", "... and within this after the first attempt");
    public static final ConfigKey SMTP_GREYLIST_REMEMBER = k(DURATION, "smtp.greylist.remember", "35d", "a client network that passed is not greylisted again for this long");
    public static final ConfigKey SMTP_BUDGET = k(INT, "smtp.budget-ms", "1000", "wait for unfinished lookups at most this long: the connection's from connect, the transaction's from MAIL FROM, the headers' from the end of the header section; held lines wait meanwhile");
    public static final ConfigKey SMTP_TEMPFAIL_ON_UNKNOWN = k(BOOL, "smtp.tempfail-on-unknown", "false", "451 4.4.3 when the client's lists did not answer in time");
    public static final ConfigKey SMTP_ALLOW = k(LIST, "smtp.allow", null, "networks, and domains matched against the client's forward-confirmed reverse DNS name (never HELO or MAIL FROM), never judged at SMTP time");
    public static final ConfigKey SMTP_TARPIT_DELAY = k(INT, "smtp.tarpit.delay-ms", "2000", "first delay of a tarpitted client");
    public static final ConfigKey SMTP_TARPIT_STEP = k(INT, "smtp.tarpit.step-ms", "2000", "added per delayed command");
    public static final ConfigKey SMTP_TARPIT_MAX_DELAY = k(INT, "smtp.tarpit.max-delay-ms", "15000", "cap of the delay (keep under James's connection timeout; at most 120000)");
    public static final ConfigKey SMTP_TARPIT_MAX_CONNECTIONS = k(INT, "smtp.tarpit.max-connections", "2000", "tarpitted connections at once (per James server); beyond: 421 and close");
    public static final ConfigKey SMTP_TARPIT_REMEMBERED = k(BOOL, "smtp.tarpit.remembered", "true", "tarpit addresses remembered by the `Tarpit` mailet");
    public static final ConfigKey SMTP_TARPIT_REJECT_REMEMBERED = k(BOOL, "smtp.tarpit.reject-remembered", "false", "refuse (550 at RCPT) addresses remembered by the `Tarpit` mailet");
    public static final ConfigKey SMTP_TARPIT_STORE = k(TEXT, "smtp.tarpit.store", "shared", "where the `Tarpit` mailet's memory lives: `shared` (the `store.*` store), `embedded`, or a Redis URI of its own (any form of `store.redis.uri`)");
    public static final ConfigKey SMTP_GREETING_CLIENTS = k(CHOICE, "smtp.greeting.clients", "none", "greeting test for `none`, `suspicious` (a listing, unknown evidence or a remembered address at connect) or `all` clients; needs `<handlerchain coreHandlersPackage=\"io.portcullis.smtp.PortcullisCoreHandlers\">`");
    public static final ConfigKey SMTP_GREETING_DELAY = k(INT, "smtp.greeting.delay-ms", "6000", "`220-` at once, the final `220` this much later (from the shared timer, no thread held)");
    public static final ConfigKey SMTP_GREETING_ACTION = k(CHOICE, "smtp.greeting.action", "flag", "`flag`: a `PREGREET` finding scoring `smtp.greeting.score`; `drop`: `smtp.greeting.drop-code` and close");
    public static final ConfigKey SMTP_GREETING_SCORE = k(NUMBER, "smtp.greeting.score", "{`smtp.reject-threshold`}", "score of the `PREGREET` finding (`flag`)");
    public static final ConfigKey SMTP_GREETING_DROP_CODE = k(CHOICE, "smtp.greeting.drop-code", "521", "reply to early talkers with `drop`: `521` or `554`");
    public static final ConfigKey SMTP_GREETING_PARTIAL = k(BOOL, "smtp.greeting.partial", "true", "send the `220-` continuation line first");
    public static final ConfigKey SMTP_GREETING_MODE = k(CHOICE, "smtp.greeting.mode", "enforce", "`observe`: the `PREGREET` finding does not count, and early talkers are never dropped");
    // --- reputation ------------------------------------------------------------------------------------------
    public static final ConfigKey REPUTATION_ENABLED = k(BOOL, "reputation.enabled", "true", "read, score and learn sender reputation (state store of `store.*`)");
    public static final ConfigKey REPUTATION_IP_WEIGHT = k(NUMBER, "reputation.ip.weight", "4", "score of an all-bad history of the client address; an all-clean one scores `-weight * good-factor`");
    public static final ConfigKey REPUTATION_NET_WEIGHT = k(NUMBER, "reputation.net.weight", "2", "the same for its /24 or /64 (no clean credit)");
    public static final ConfigKey REPUTATION_ASN_WEIGHT = k(NUMBER, "reputation.asn.weight", "1", "the same for its AS (no clean credit)");
    public static final ConfigKey REPUTATION_HELO_WEIGHT = k(NUMBER, "reputation.helo.weight", "1", "the same for the HELO domain");
    public static final ConfigKey REPUTATION_MAIL_FROM_WEIGHT = k(NUMBER, "reputation.mail-from.weight", "2", "the same for the envelope sender's domain");
    public static final ConfigKey REPUTATION_FROM_WEIGHT = k(NUMBER, "reputation.from.weight", "2", "the same for the From domain");
    public static final ConfigKey REPUTATION_NS_WEIGHT = k(NUMBER, "reputation.ns.weight", "1", "the same for the sender's nameserver hosts (no clean credit)");
    public static final ConfigKey REPUTATION_MIN_OBSERVATIONS = k(INT, "reputation.min-observations", "5", "outcomes within the window before an entity gives a finding");
    public static final ConfigKey REPUTATION_HALF_LIFE = k(NUMBER, "reputation.half-life-days", "7", "an outcome's weight halves every so many days");
    public static final ConfigKey REPUTATION_WINDOW = k(INT, "reputation.window-days", "30", "outcomes older than this are forgotten (day buckets)");
    public static final ConfigKey REPUTATION_EXPIRE = k(INT, "reputation.expire-days", "60", "a record nobody updates for so long disappears");
    public static final ConfigKey REPUTATION_GOOD_FACTOR = k(NUMBER, "reputation.good-factor", "0.5", "how much a clean history lowers the score, relative to the weight");
    public static final ConfigKey REPUTATION_SPF = k(BOOL, "reputation.spf", "true", "an SPF pass (evaluated by Portcullis at MAIL FROM, through its own DNS client) verifies the envelope sender's domain for the client: its reputation is learned under the domain, not `domain@network`");
    public static final ConfigKey REPUTATION_SPF_TIMEOUT = k(INT, "reputation.spf.timeout-ms", "800", "SPF not finished by then is a temperror (not verified)");
    public static final ConfigKey REPUTATION_SPAM_FOLDER = k(TEXT, "reputation.spam-folder", "Spam", "mailbox whose moves are users' reports (into it: spam; out of it: not spam; `SpamFolderListener` in `listeners.xml`); empty: off");
    public static final ConfigKey REPUTATION_MODE = k(CHOICE, "reputation.mode", "enforce", "`observe`: the whole reputation check in observe mode");
    public static final ConfigKey REPUTATION_KIND_MODE = k(CHOICE, "reputation.<kind>.mode", "enforce", "`observe`: one entity kind (`ip`, `net`, `asn`, `helo`, `mail-from`, `from`, `ns`) in observe mode");
    // --- log, report -----------------------------------------------------------------------------------------
    public static final ConfigKey LOG_ENABLED = k(BOOL, "log.enabled", "true", "write the decision log");
    public static final ConfigKey LOG_DIRECTORY = k(PATH, "log.directory", "var/portcullis/decisions", "relative to James's working directory; one file per UTC day");
    public static final ConfigKey LOG_RETENTION = k(INT, "log.retention-days", "30", "older files deleted; `0` keeps everything");
    public static final ConfigKey LOG_QUEUE_SIZE = k(INT, "log.queue-size", "10000", "decisions waiting to be written; beyond, dropped and counted (never blocks a reply)");
    public static final ConfigKey LOG_NODE = k(TEXT, "log.node", "{host name}", "this James's name in the log");
    public static final ConfigKey REPORT_ENABLED = k(BOOL, "report.enabled", "false", "mail the decision report daily (needs the `DailyReportMailer` startable)");
    public static final ConfigKey REPORT_TIME = k(TEXT, "report.time", "06:00", "`HH:MM` (or `HH:MM:SS`), local time in `report.zone`");
    public static final ConfigKey REPORT_ZONE = k(TEXT, "report.zone", "system", "zone id (`UTC`, `Europe/Paris`, ...) or `system` (the JVM's)");
    public static final ConfigKey REPORT_PERIOD = k(CHOICE, "report.period", "yesterday", "`yesterday`, or `today` (the day so far); UTC days, as in the log");
    public static final ConfigKey REPORT_RECIPIENTS = k(LIST, "report.recipients", null, "comma-separated addresses, besides the postmaster; a bad one stops James at start");
    public static final ConfigKey REPORT_POSTMASTER = k(BOOL, "report.postmaster", "true", "also mail James's postmaster");
    public static final ConfigKey REPORT_SENDER = k(TEXT, "report.sender", "{the postmaster}", "From and envelope sender");
    public static final ConfigKey REPORT_LOGS = k(LIST, "report.logs", null, "extra decision log folders (other nodes) merged in; relative to James's working directory; this node's `log.directory` is always read");
    public static final ConfigKey REPORT_HTML = k(BOOL, "report.html", "true", "text + HTML page (`multipart/alternative`); `false`: text only");
    // --- network ---------------------------------------------------------------------------------------------
    public static final ConfigKey NETWORK_ENABLED = k(BOOL, "network.enabled", "true", "look network owners up (`lookup` shows them for IP targets; James looks up only when a policy below is set or a `FromNetwork` matcher asks)");
    public static final ConfigKey NETWORK_ZONE_ORIGIN = k(TEXT, "network.zone.origin", "origin.asn.cymru.com", "Team Cymru-format IPv4 origin TXT zone (a site's mirror); `none` switches it off");
    public static final ConfigKey NETWORK_ZONE_ORIGIN6 = k(TEXT, "network.zone.origin6", "origin6.asn.cymru.com", "the same for IPv6 (nibbles)");
    public static final ConfigKey NETWORK_ZONE_ASN = k(TEXT, "network.zone.asn", "asn.cymru.com", "AS records (AS names): `AS<n>.<zone>`");
    public static final ConfigKey NETWORK_SELF_TEST = k(BOOL, "network.self-test", "true", "a known address must answer in the Cymru format, else the zone is suspended and logged");
    public static final ConfigKey NETWORK_SELF_TEST_INTERVAL = k(INT, "network.self-test-interval-minutes", "10", "how often the zones are self-tested");
    public static final ConfigKey NETWORK_SELF_TEST_V4 = k(TEXT, "network.self-test.ipv4", "8.8.8.8", "the known IPv4 address");
    public static final ConfigKey NETWORK_SELF_TEST_V6 = k(TEXT, "network.self-test.ipv6", "2001:4860:4860::8888", "the known IPv6 address");
    public static final ConfigKey NETWORK_CACHE_SIZE = k(INT, "network.cache-size", "10000", "prefixes cached (a later address in a cached prefix asks no DNS); `0` = off");
    public static final ConfigKey NETWORK_MMDB = k(LIST, "network.mmdb", null, "local MaxMind-format ASN and/or country databases, asked before DNS; re-read when they change");
    public static final ConfigKey NETWORK_ASN = k(LIST, "network.asn", null, "`64496*6, AS64511*-2`: origin AS numbers with weights (rule `ASN`)");
    public static final ConfigKey NETWORK_ASN_WEIGHT = k(NUMBER, "network.asn.weight", "1", "weight of an AS number without `*WEIGHT`");
    public static final ConfigKey NETWORK_COUNTRY = k(LIST, "network.country", null, "ISO 3166 codes of the assignment with weights (rule `COUNTRY`)");
    public static final ConfigKey NETWORK_COUNTRY_WEIGHT = k(NUMBER, "network.country.weight", "1", "weight of a country without `*WEIGHT`");
    public static final ConfigKey NETWORK_REGISTRY = k(LIST, "network.registry", null, "`arin`, `ripencc`, `apnic`, `lacnic`, `afrinic` with weights (rule `REGISTRY`)");
    public static final ConfigKey NETWORK_REGISTRY_WEIGHT = k(NUMBER, "network.registry.weight", "1", "weight of a registry without `*WEIGHT`");
    public static final ConfigKey NETWORK_AS_NAME = k(TEXT, "network.as-name.<id>", null, "case-insensitive regular expression searched in the AS name (rule `AS_NAME`)");
    public static final ConfigKey NETWORK_AS_NAME_ID_WEIGHT = k(NUMBER, "network.as-name.<id>.weight", "{`network.as-name.weight`}", "weight of that pattern");
    public static final ConfigKey NETWORK_AS_NAME_WEIGHT = k(NUMBER, "network.as-name.weight", "1", "weight of a pattern without its own");
    public static final ConfigKey NETWORK_MODE = k(CHOICE, "network.mode", "enforce", "`observe`: the whole network check in observe mode");
    public static final ConfigKey NETWORK_ASN_MODE = k(CHOICE, "network.asn.mode", "enforce", "`observe`: rule `ASN` in observe mode");
    public static final ConfigKey NETWORK_COUNTRY_MODE = k(CHOICE, "network.country.mode", "enforce", "`observe`: rule `COUNTRY` in observe mode");
    public static final ConfigKey NETWORK_REGISTRY_MODE = k(CHOICE, "network.registry.mode", "enforce", "`observe`: rule `REGISTRY` in observe mode");
    public static final ConfigKey NETWORK_AS_NAME_MODE = k(CHOICE, "network.as-name.mode", "enforce", "`observe`: rule `AS_NAME` in observe mode");
    // --- os --------------------------------------------------------------------------------------------------
    public static final ConfigKey OS_ENABLED = k(BOOL, "os.enabled", "false", "passive OS fingerprint: ask the p0f daemon of this node about each SMTP client (see below for where p0f must run)");
    public static final ConfigKey OS_SOCKET = k(PATH, "os.socket", "/var/run/p0f.sock", "p0f's API socket (`p0f -s PATH`); an absolute path of at most 107 bytes");
    public static final ConfigKey OS_TIMEOUT = k(INT, "os.timeout-ms", "500", "longest wait for p0f's answer, retries included (at most 10000; keep it under `smtp.budget-ms`)");
    public static final ConfigKey OS_RETRY = k(INT, "os.retry-ms", "400", "while p0f has no record of the client (its capture has not handed it the SYN yet) the query is repeated every 10 ms for this long (at most `os.timeout-ms`)");
    public static final ConfigKey OS_MAX_IN_FLIGHT = k(INT, "os.max-in-flight", "200", "lookups at once; beyond, \"unknown\" at once");
    public static final ConfigKey OS_EXACT_ONLY = k(BOOL, "os.exact-only", "false", "OS patterns ignore p0f's fuzzy matches");
    public static final ConfigKey OS_MATCH = k(TEXT, "os.match.<id>", null, "glob on the OS, `Windows*`, `Mac OS X*` (rule `OS`)");
    public static final ConfigKey OS_MATCH_ID_WEIGHT = k(NUMBER, "os.match.<id>.weight", "{`os.match.weight`}", "weight of that pattern");
    public static final ConfigKey OS_MATCH_WEIGHT = k(NUMBER, "os.match.weight", "1", "weight of an OS pattern without its own");
    public static final ConfigKey OS_LINK = k(TEXT, "os.link.<id>", null, "glob on the link type p0f guessed from the MTU: `DSL`, `generic tunnel or VPN`, `Ethernet or modem` (rule `LINK`)");
    public static final ConfigKey OS_LINK_ID_WEIGHT = k(NUMBER, "os.link.<id>.weight", "{`os.link.weight`}", "weight of that pattern");
    public static final ConfigKey OS_LINK_WEIGHT = k(NUMBER, "os.link.weight", "1", "weight of a link pattern without its own");
    public static final ConfigKey OS_DISTANCE = k(INT, "os.distance", "{off}", "the least distance in hops (from the TTL) that scores (rule `DISTANCE`), 0..255");
    public static final ConfigKey OS_DISTANCE_WEIGHT = k(NUMBER, "os.distance.weight", "1", "weight of rule `DISTANCE`");
    public static final ConfigKey OS_MODE = k(CHOICE, "os.mode", "enforce", "`observe`: the whole OS check in observe mode");
    public static final ConfigKey OS_MATCH_MODE = k(CHOICE, "os.match.mode", "enforce", "`observe`: rule `OS` in observe mode");
    public static final ConfigKey OS_LINK_MODE = k(CHOICE, "os.link.mode", "enforce", "`observe`: rule `LINK` in observe mode");
    public static final ConfigKey OS_DISTANCE_MODE = k(CHOICE, "os.distance.mode", "enforce", "`observe`: rule `DISTANCE` in observe mode");

    private Keys() {
    }

    private static ConfigKey k(ConfigKey.Type type, String name, String def, String doc) {
        return k(type, name, def, doc, V0_1);
    }

    private static ConfigKey k(ConfigKey.Type type, String name, String def, String doc, String since) {
        ConfigKey key = new ConfigKey(name, type, def, doc, since);
        TABLE.add(key);
        return key;
    }

    /** Every row, in the order of the table. */
    public static List<ConfigKey> all() {
        return Collections.unmodifiableList(TABLE);
    }

    /** The row of {@code key}: its exact row, else the pattern it is an instance of; null when unknown. */
    public static ConfigKey find(String key) {
        ConfigKey pattern = null;
        for (ConfigKey k : TABLE) {
            if (!k.isPattern() && k.name().equals(key)) {
                return k;
            }
            if (pattern == null && k.isPattern() && k.matches(key)) {
                pattern = k;
            }
        }
        return pattern;
    }

    /** The key names and patterns, for "did you mean" and documentation. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (ConfigKey k : TABLE) {
            out.add(k.name());
        }
        return Collections.unmodifiableList(out);
    }
}
