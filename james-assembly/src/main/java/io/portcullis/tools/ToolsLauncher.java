package io.portcullis.tools;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The offline commands ({@code report}, {@code lookup}, {@code scan}, {@code rules}, {@code accuracy}, {@code bench})
 * on a James host, without the Portcullis source tree: {@code java -jar portcullis-tools.jar report}. JDK classes
 * only; it builds a class path of the Portcullis jars in {@code extensions-jars/} and James's own libraries
 * (dnsjava, Guava, logback) and runs {@code io.portcullis.cli.Main} with it.
 *
 * <p>Where things are, relative to James's working directory ({@code JAMES_HOME}, default: the folder of this jar,
 * i.e. copy the jar next to {@code extensions-jars/}; {@code /root} in James's Docker images):
 * <ul>
 *   <li>{@code extensions-jars/}: the Portcullis jars;</li>
 *   <li>James's libraries: {@code JAMES_LIBS}, else the first of {@code libs/} (Docker images),
 *       {@code james-server-memory-app.lib/} and other {@code *.lib/} folders (James's zip), {@code lib/};</li>
 *   <li>{@code conf/portcullis.properties}: the configuration, when {@code --config} is not given;</li>
 *   <li>{@code var/portcullis/decisions}: the decision log {@code report} reads, when {@code --log} is not given.</li>
 * </ul>
 */
public final class ToolsLauncher {
    static final String MAIN = "io.portcullis.cli.Main";
    static final List<String> CONFIG_COMMANDS = List.of("scan", "accuracy", "bench", "rules", "lookup");

    private ToolsLauncher() {
    }

    public static void main(String[] args) throws Exception {
        File home = home();
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            System.err.println("usage: portcullis-tools report|lookup|scan|rules|accuracy|bench [OPTIONS]...\n"
                    + "  run from (or with JAMES_HOME set to) James's working directory: " + home + "\n"
                    + "  report reads var/portcullis/decisions there unless --log is given; the other commands use\n"
                    + "  conf/portcullis.properties unless --config is given");
            System.exit(args.length == 0 ? 2 : 0);
            return;
        }
        File extensions = new File(home, "extensions-jars");
        File libs = jamesLibs(home);
        if (!extensions.isDirectory() || jars(extensions).isEmpty()) {
            fail("no Portcullis jars in " + extensions + " (set JAMES_HOME to James's working directory)");
        }
        if (libs == null) {
            fail("cannot find James's libraries (dnsjava, Guava) under " + home
                    + ": set JAMES_LIBS to the folder holding James's jars (/root/libs in the Docker images)");
        }
        List<URL> path = new ArrayList<>();
        for (File f : jars(extensions)) {
            path.add(url(f));
        }
        for (File f : jars(libs)) {
            path.add(url(f));
        }
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "portcullis-tools-logback.xml");
        }
        String[] full = withDefaults(args, home);
        URLClassLoader loader = new URLClassLoader(path.toArray(new URL[0]), ToolsLauncher.class.getClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        Method main = loader.loadClass(MAIN).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) full);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    /** Adds {@code --log} (report) and {@code --config} (the others) from James's working directory. */
    static String[] withDefaults(String[] args, File home) {
        List<String> out = new ArrayList<>(Arrays.asList(args));
        String cmd = args[0];
        if (cmd.equals("report") && !has(args, "--log")) {
            out.add(1, "--log");
            out.add(2, new File(home, "var/portcullis/decisions").getPath());
        }
        File conf = new File(home, "conf/portcullis.properties");
        if (CONFIG_COMMANDS.contains(cmd) && !has(args, "--config") && conf.isFile()) {
            out.add(1, "--config");
            out.add(2, conf.getPath());
        }
        return out.toArray(new String[0]);
    }

    private static boolean has(String[] args, String option) {
        for (String a : args) {
            if (a.equals(option) || a.startsWith(option + "=")) {
                return true;
            }
        }
        return false;
    }

    static File home() {
        String env = System.getenv("JAMES_HOME");
        if (env != null && !env.isEmpty()) {
            return new File(env).getAbsoluteFile();
        }
        try {
            File jar = new File(ToolsLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.isFile() ? jar.getAbsoluteFile().getParentFile() : new File(".").getAbsoluteFile();
        } catch (Exception e) {
            return new File(".").getAbsoluteFile();
        }
    }

    /** The folder of James's jars: JAMES_LIBS, else a known layout under {@code home} holding dnsjava. */
    static File jamesLibs(File home) {
        String env = System.getenv("JAMES_LIBS");
        if (env != null && !env.isEmpty()) {
            File f = new File(env);
            return hasDnsjava(f) ? f : null;
        }
        List<File> candidates = new ArrayList<>();
        candidates.add(new File(home, "libs"));
        candidates.add(new File(home, "james-server-memory-app.lib"));
        File[] dotLib = home.listFiles(f -> f.isDirectory() && f.getName().endsWith(".lib"));
        if (dotLib != null) {
            Arrays.sort(dotLib);
            candidates.addAll(Arrays.asList(dotLib));
        }
        candidates.add(new File(home, "lib"));
        for (File c : candidates) {
            if (hasDnsjava(c)) {
                return c;
            }
        }
        return null;
    }

    private static boolean hasDnsjava(File dir) {
        for (File f : jars(dir)) {
            if (f.getName().startsWith("dnsjava")) {
                return true;
            }
        }
        return false;
    }

    private static List<File> jars(File dir) {
        File[] fs = dir.listFiles(f -> f.isFile() && f.getName().endsWith(".jar"));
        List<File> out = fs == null ? new ArrayList<>() : new ArrayList<>(Arrays.asList(fs));
        out.sort(null);
        return out;
    }

    private static URL url(File f) throws MalformedURLException {
        return f.toURI().toURL();
    }

    private static void fail(String message) {
        System.err.println("portcullis-tools: " + message);
        System.exit(2);
    }
}
