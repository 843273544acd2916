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
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code portcullis lookup [--config FILE] [--dns HOST:PORT] [--list SPEC]... TARGET...}: looks IPv4,
 * IPv6 or domain targets up in the configured lists (or the ad-hoc {@code --list} ones), all at once,
 * after the lists' self-test, and prints one JSON object per target.
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
                servers.addAll(PortcullisConfig.parseServers("--dns", "--dns", s));
            }
            config = config.withDns(config.dns().withServers(servers));
        }
        List<ListSpec> lists = new ArrayList<>();
        for (String spec : args.options("--list")) {
            try {
                lists.add(ListSpec.parse(spec));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--list", "--list", spec, e.getMessage());
            }
        }
        if (lists.isEmpty()) {
            lists = config.dnsbl().lists();
        }
        if (lists.isEmpty()) {
            err.println("lookup: no lists configured; give --list SPEC or --config FILE with dnsbl.list.* entries");
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
             })) {
            engine.selfTestOnce().get();
            DnsblChecker checker = engine.withExtraLists(List.of());
            List<CompletableFuture<List<ListResult>>> pending = new ArrayList<>();
            for (String target : args.positional()) {
                pending.add(checker.check(targets(target)));
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

    /** An IP literal is checked as a client address, anything else as a domain name. */
    static DnsblTargets targets(String target) {
        String t = target.trim();
        if (t.matches("[0-9.]+") || t.indexOf(':') >= 0) {
            try {
                return DnsblTargets.builder().address(Identity.CLIENT_IP, InetAddress.getByName(t)).build();
            } catch (UnknownHostException e) {
                throw new CliArgs.UsageException("'" + target + "' is not a valid IP address");
            }
        }
        return DnsblTargets.builder().name(Identity.MAIL_FROM, t).build();
    }
}
