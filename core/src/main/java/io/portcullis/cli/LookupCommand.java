package io.portcullis.cli;

import io.portcullis.config.ConfigException;
import io.portcullis.config.PortcullisConfig;
import io.portcullis.dns.DnsSettings;
import io.portcullis.dns.DnsjavaClient;
import io.portcullis.dnsbl.DnsblChecker;
import io.portcullis.dnsbl.DnsblEngine;
import io.portcullis.dnsbl.DnsblTargets;
import io.portcullis.dnsbl.Identity;
import io.portcullis.dnsbl.ListHealth;
import io.portcullis.dnsbl.ListResult;
import io.portcullis.dnsbl.ListSpec;
import io.portcullis.json.Json;
import io.portcullis.net.Hosts;
import io.portcullis.network.MmdbSource;
import io.portcullis.network.NetworkEngine;
import io.portcullis.network.NetworkReport;
import io.portcullis.config.NameserverConfig;
import io.portcullis.nameservers.LocalNsList;
import io.portcullis.nameservers.NameserverChecker;
import io.portcullis.nameservers.NameserverReport;
import io.portcullis.nameservers.NameserverSettings;
import io.portcullis.nameservers.NsDelegation;
import io.portcullis.nameservers.NsHit;
import io.portcullis.nameservers.NsResult;
import io.portcullis.nameservers.NsTargets;
import io.portcullis.verdict.Finding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code portcullis lookup [--config FILE] [--dns HOST:PORT] [--list SPEC]... [--nameserver-list FILE] TARGET...}:
 * looks IPv4, IPv6 or domain targets up in the configured lists (or the ad-hoc {@code --list} ones), all at
 * once, after the lists' self-test, and prints one JSON object per target. For a domain target with
 * nameserver sources ({@code ns-name:}/{@code ns-ip:} lists, a local list file, or those of the
 * configuration's {@code nameservers.*}), the object gains {@code "nameservers": [{"host", "addresses",
 * "status": listed|clean|unknown, "sources", "details"}]} and the score counts the nameserver findings (each
 * source once, its highest hit). The learned source is not consulted (its store belongs to James).
 *
 * <p>An IP target also gets {@code "network": {"asn", "prefix", "country", "registry", "as_name", "source",
 * "status"}} (its network owner: Team Cymru's public zones unless {@code network.zone.*} say otherwise, a local
 * {@code network.mmdb} first), unless {@code network.enabled = false}; matching network policies add
 * {@code "findings"} there and count in the score.
 *
 * <p>Every target also gets {@code "reputation"} (unless {@code reputation.enabled = false}): its records in the
 * configured state store, see {@link ReputationLookup}; {@code --client ADDRESS} adds a domain's records keyed with
 * that client's network, {@code --state DIR} reads another embedded store directory.
 */
final class LookupCommand {
    private LookupCommand() {
    }

    static int run(CliArgs args, PrintStream out, PrintStream err) throws InterruptedException {
        if (args.positional().isEmpty()) {
            throw new CliArgs.UsageException("lookup needs at least one TARGET (IPv4, IPv6 or domain)");
        }
        PortcullisConfig config = args.config();
        if (!args.options("--dns").isEmpty()) {
            List<InetSocketAddress> servers = new ArrayList<>();
            for (String s : args.options("--dns")) {
                servers.addAll(io.portcullis.config.DnsConfig.parseServers("--dns", "--dns", s));
            }
            config = config.toBuilder().dns(config.dns().withServers(servers)).build();
        }
        List<ListSpec> lists = new ArrayList<>();
        List<ListSpec> nsLists = new ArrayList<>();
        for (String spec : args.options("--list")) {
            try {
                ListSpec l = ListSpec.parse(spec);
                (l.kind().isNameserverKind() ? nsLists : lists).add(l);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--list", "--list", spec, e.getMessage());
            }
        }
        boolean adHoc = !lists.isEmpty() || !nsLists.isEmpty() || !args.options("--nameserver-list").isEmpty();
        if (!adHoc) {
            lists = config.dnsbl().lists();
        }
        // Nameserver sources: ns-name:/ns-ip: lists and a local list (ad hoc, or those of the configuration).
        NameserverConfig nsConfig = config.nameservers();
        LocalNsList localList = null;
        if (!args.options("--nameserver-list").isEmpty()) {
            Path file = Paths.get(args.options("--nameserver-list").get(0));
            if (!Files.isReadable(file)) {
                throw new CliArgs.UsageException("--nameserver-list: cannot read " + file);
            }
            localList = LocalNsList.watch(file, Duration.ofDays(1));
            for (String w : localList.warnings()) {
                err.println("warning: " + file + ": " + w);
            }
        } else if (!adHoc && nsConfig.localList().isPresent()) {
            localList = LocalNsList.watch(nsConfig.localList().get(), Duration.ofDays(1));
        }
        if (!adHoc) {
            nsLists = nsConfig.settings().lists();
        }
        NameserverSettings nsSettings = nsConfig.settings().toBuilder().lists(nsLists).build();
        boolean nameservers = localList != null || !nsLists.isEmpty();
        boolean anyAddress = args.positional().stream().anyMatch(LookupCommand::isAddress);
        boolean network = config.network().enabled() && anyAddress;
        io.portcullis.os.P0fClient p0f = null;
        if (!args.options("--p0f").isEmpty()) {
            Path sock = Paths.get(args.options("--p0f").get(0));
            String why = io.portcullis.os.P0fClient.transportUnavailability();
            if (why != null) {
                err.println("lookup: --p0f: " + why);
                return 2;
            }
            p0f = new io.portcullis.os.P0fClient(sock, java.time.Duration.ofSeconds(1),
                    java.time.Duration.ofMillis(150), 100, null);
        }
        InetAddress client = null;
        if (args.option("--client").isPresent()) {
            client = Hosts.address(args.option("--client").get().trim());
            if (client == null) {
                throw new CliArgs.UsageException("--client: '" + args.option("--client").get()
                        + "' is not a valid IP address");
            }
        }
        Path stateDir = args.option("--state").map(Paths::get).orElse(null);
        try (ReputationLookup reputation = ReputationLookup.open(config,
                args.option("--config").map(Paths::get).orElse(null), stateDir, java.time.Clock.systemUTC())) {
            return run(args, out, err, config, lists, nsLists, nsSettings, localList, nameservers, network, p0f,
                    reputation, client);
        } finally {
            if (p0f != null) {
                p0f.close();
            }
        }
    }

    private static int run(CliArgs args, PrintStream out, PrintStream err, PortcullisConfig config,
            List<ListSpec> lists, List<ListSpec> nsLists, NameserverSettings nsSettings, LocalNsList localList,
            boolean nameservers, boolean network, io.portcullis.os.P0fClient p0f, ReputationLookup reputation,
            InetAddress client) throws InterruptedException {
        if (lists.isEmpty() && !nameservers && !network && p0f == null && !reputation.enabled()) {
            err.println("lookup: no lists configured; give --list SPEC, --nameserver-list FILE or --config FILE with "
                    + "dnsbl.list.* / nameservers.* entries (IP targets also show their network owner unless "
                    + "network.enabled = false, and every target its reputation unless reputation.enabled = false)");
            return 2;
        }
        DnsSettings dnsSettings = config.dns();
        for (InetSocketAddress pub : dnsSettings.publicResolvers()) {
            err.println("warning: " + pub + " is a public resolver; most DNS lists refuse such queries "
                    + "(Spamhaus answers 127.255.255.254). Use a local recursive resolver.");
        }
        try (DnsjavaClient dns = new DnsjavaClient(dnsSettings);
             DnsblEngine engine = new DnsblEngine(dns, config.dnsbl().withLists(lists), new ListHealth.Listener() {
                 @Override
                 public void suspended(ListSpec list, String why) {
                     err.println("warning: list " + list.id() + " suspended by its self-test: " + why);
                 }

                 @Override
                 public void resumed(ListSpec list) {
                 }
             });
             NetworkEngine owners = network ? new NetworkEngine(dns, config.network(),
                     MmdbSource.open(config.network().mmdbFiles(), w -> err.println("warning: " + w)),
                     new NetworkEngine.Listener() {
                         @Override
                         public void suspended(String zone, String why) {
                             err.println("warning: network zone " + zone + " suspended by its self-test: " + why);
                         }
                     }) : null) {
            engine.selfTestOnce().get();
            if (owners != null) {
                owners.selfTestOnce().get();
            }
            DnsblChecker checker = engine.withExtraLists(List.of());
            ListHealth nsHealth = null;
            if (!nsLists.isEmpty() && config.dnsbl().selfTest()) {
                nsHealth = new ListHealth(dns, nsLists, new ListHealth.Listener() {
                    @Override
                    public void suspended(ListSpec list, String why) {
                        err.println("warning: list " + list.id() + " suspended by its self-test: " + why);
                    }

                    @Override
                    public void resumed(ListSpec list) {
                    }
                });
                nsHealth.runSelfTest().get();
            }
            NameserverChecker nsChecker = nameservers
                    ? new NameserverChecker(dns, nsSettings, localList, null, nsHealth) : null;
            List<CompletableFuture<List<ListResult>>> pending = new ArrayList<>();
            List<CompletableFuture<NameserverReport>> nsPending = new ArrayList<>();
            List<CompletableFuture<NetworkReport>> netPending = new ArrayList<>();
            List<CompletableFuture<io.portcullis.os.OsReport>> osPending = new ArrayList<>();
            for (String target : args.positional()) {
                DnsblTargets t = targets(target);
                InetAddress address = t.addresses().get(Identity.CLIENT_IP);
                netPending.add(owners == null || address == null ? null : owners.lookup(address, true));
                osPending.add(p0f == null || address == null ? null : p0f.lookup(address));
                pending.add(lists.isEmpty() ? CompletableFuture.completedFuture(List.of()) : checker.check(t));
                nsPending.add(nsChecker == null || isAddress(target) ? null
                        : nsChecker.check(NsTargets.builder().mailFrom(target.trim()).build()));
            }
            StringBuilder line = new StringBuilder(512);
            for (int i = 0; i < pending.size(); i++) {
                List<ListResult> results = pending.get(i).get();
                Map<String, Object> obj = new LinkedHashMap<>();
                obj.put("target", args.positional().get(i));
                List<Object> ls = new ArrayList<>();
                double score = 0;
                for (ListResult r : results) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("list", r.list().id());
                    m.put("zone", r.list().zone());
                    m.put("queried", r.target());
                    m.put("status", r.status().id());
                    m.put("codes", new ArrayList<Object>(r.codes()));
                    m.put("weight", r.weight());
                    if (!r.label().isEmpty()) {
                        m.put("label", r.label());
                    }
                    m.put("reason", r.reason());
                    ls.add(m);
                    score += r.weight();
                }
                obj.put("lists", ls);
                Long asn = null;
                if (netPending.get(i) != null) {
                    NetworkReport n = netPending.get(i).get();
                    obj.put("network", networkObject(n, owners.findings(n)));
                    for (Finding f : owners.findings(n)) {
                        score += f.score();
                    }
                    asn = n.found() && n.asn() > 0 ? n.asn() : null;
                }
                if (osPending.get(i) != null) {
                    io.portcullis.os.OsReport r = osPending.get(i).get();
                    List<Finding> osFindings = config.os().rules().findings(r);
                    obj.put("os", osObject(r, osFindings));
                    for (Finding f : osFindings) {
                        score += f.score();
                    }
                }
                if (nsPending.get(i) != null) {
                    NameserverReport report = nsPending.get(i).get();
                    List<Object> nss = new ArrayList<>();
                    for (NsResult r : report.results()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("host", r.host());
                        m.put("addresses", new ArrayList<Object>(r.addresses()));
                        m.put("status", r.status().id());
                        m.put("sources", new ArrayList<Object>(r.sources()));
                        List<Object> why = new ArrayList<>();
                        for (NsHit h : r.hits()) {
                            why.add(h.explanation());
                        }
                        why.addAll(r.unknowns());
                        if (!why.isEmpty()) {
                            m.put("details", why);
                        }
                        nss.add(m);
                    }
                    for (NsDelegation d : report.view().delegations()) {
                        if (d.status() != NsDelegation.Status.FOUND) {
                            obj.put("nameserver-walk", d.status().id() + ": " + d.reason());
                        }
                    }
                    obj.put("nameservers", nss);
                    for (Finding f : report.findings()) {
                        score += f.score();
                    }
                }
                if (reputation.enabled()) {
                    String target = args.positional().get(i);
                    Map<String, Object> rep = reputation.section(ReputationLookup.entities(target,
                            targets(target).addresses().get(Identity.CLIENT_IP), asn, client));
                    obj.put("reputation", rep);
                    score += ReputationLookup.score(rep);
                }
                obj.put("score", Math.round(score * 1000.0) / 1000.0);
                line.setLength(0);
                Json.append(line, obj);
                out.println(line);
            }
            err.println("dns: " + dns.stats());
        } catch (ExecutionException e) {
            err.println("lookup: " + e.getCause());
            return 1;
        }
        return 0;
    }

    /**
     * {@code {"asn", "prefix", "country", "registry", "as_name", "source", "status"}}, plus {@code "asns"} when a
     * prefix has several origins, {@code "reason"} when unknown and {@code "findings"} when a policy matched.
     */
    static Map<String, Object> networkObject(NetworkReport n, List<Finding> findings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("asn", n.asns().isEmpty() ? null : n.asn());
        if (n.asns().size() > 1) {
            m.put("asns", new ArrayList<Object>(n.asns()));
        }
        m.put("prefix", n.prefix().isEmpty() ? null : n.prefix());
        m.put("country", n.country().isEmpty() ? null : n.country());
        m.put("registry", n.registry().isEmpty() ? null : n.registry());
        m.put("as_name", n.asName().isEmpty() ? null : n.asName());
        m.put("source", n.source());
        m.put("status", n.status().id());
        if (!n.reason().isEmpty()) {
            m.put("reason", n.reason());
        }
        putFindings(m, findings);
        return m;
    }

    /**
     * p0f's answer, every field: {@code {"status", "os_name", "os_flavor", "match", "distance", "link_type",
     * "first_seen", "last_seen", "total_conn", "uptime_min", "up_mod_days", "last_nat", "last_chg", "bad_sw",
     * "http_name", "http_flavor", "language"}}, plus {@code "reason"} when there is none and {@code "findings"} when
     * an {@code os.*} policy matched.
     */
    static Map<String, Object> osObject(io.portcullis.os.OsReport r, List<Finding> findings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", r.status().id());
        io.portcullis.os.P0fAnswer a = r.answer();
        if (a != null && r.found()) {
            m.put("os_name", a.osName().isEmpty() ? null : a.osName());
            m.put("os_flavor", a.osFlavor().isEmpty() ? null : a.osFlavor());
            m.put("match", a.osName().isEmpty() ? null : a.matchDescription());
            m.put("distance", a.distance());
            m.put("link_type", a.linkType().isEmpty() ? null : a.linkType());
            m.put("first_seen", a.firstSeen());
            m.put("last_seen", a.lastSeen());
            m.put("total_conn", a.totalConnections());
            m.put("uptime_min", a.uptimeMinutes());
            m.put("up_mod_days", a.uptimeModuloDays());
            m.put("last_nat", a.lastNat());
            m.put("last_chg", a.lastChange());
            m.put("bad_sw", a.badSoftware());
            m.put("http_name", a.httpName().isEmpty() ? null : a.httpName());
            m.put("http_flavor", a.httpFlavor().isEmpty() ? null : a.httpFlavor());
            m.put("language", a.language().isEmpty() ? null : a.language());
        }
        if (!r.reason().isEmpty()) {
            m.put("reason", r.reason());
        }
        putFindings(m, findings);
        return m;
    }

    /** {@code "findings": [{"rule", "weight", "detail"}]} when there are any. */
    private static void putFindings(Map<String, Object> m, List<Finding> findings) {
        if (findings.isEmpty()) {
            return;
        }
        List<Object> fs = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("rule", f.rule());
            fm.put("weight", f.score());
            fm.put("detail", f.detail());
            fs.add(fm);
        }
        m.put("findings", fs);
    }

    private static boolean isAddress(String target) {
        String t = target.trim();
        return t.matches("[0-9.]+") || t.indexOf(':') >= 0;
    }

    /** An IP literal is checked as a client address, anything else as a domain name. */
    static DnsblTargets targets(String target) {
        String t = target.trim();
        if (t.matches("[0-9.]+") || t.indexOf(':') >= 0) {
            InetAddress a = Hosts.address(t);
            if (a == null) {
                throw new CliArgs.UsageException("'" + target + "' is not a valid IP address");
            }
            return DnsblTargets.builder().address(Identity.CLIENT_IP, a).build();
        }
        return DnsblTargets.builder().name(Identity.MAIL_FROM, t).build();
    }
}
