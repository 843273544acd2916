package io.portcullis.assembly;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

final class TestPaths {
    private TestPaths() {
    }

    /** The checkout root: system property portcullis.repo (set by the pom), else the first parent with conf/. */
    static Path repository() {
        String prop = System.getProperty("portcullis.repo");
        if (prop != null && Files.isRegularFile(Paths.get(prop, "conf", "mailetcontainer.xml"))) {
            return Paths.get(prop).toAbsolutePath().normalize();
        }
        Path p = Paths.get("").toAbsolutePath();
        while (p != null) {
            if (Files.isRegularFile(p.resolve("conf").resolve("mailetcontainer.xml"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find the repository root (conf/mailetcontainer.xml)");
    }
}
