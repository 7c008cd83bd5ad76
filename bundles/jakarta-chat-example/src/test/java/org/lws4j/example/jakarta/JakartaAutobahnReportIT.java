package org.lws4j.example.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Checks the Autobahn run against the {@code @ServerEndpoint} echo that came just before: every
 * case asked for (1.* to 7.*, 9.*, 10.*) is in the report, none failed (OK and NON-STRICT pass).
 * The plugin reports success even when the server died mid-run, so the count is what proves it.
 */
class JakartaAutobahnReportIT {
    @Test
    void everyCaseRanAndPassed() throws Exception {
        assumeFalse(Boolean.getBoolean("lws4j.autobahn.skip"), "Autobahn skipped (-Dlws4j.autobahn.skip=true)");
        Path dir = Path.of(System.getProperty("lws4j.autobahn.reports"));
        int expected = Integer.parseInt(System.getProperty("lws4j.autobahn.expected"));
        assertTrue(Files.isDirectory(dir), "no Autobahn report in " + dir);
        List<String> cases = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        Pattern testcase = Pattern.compile("<testcase[^>]*name=\"([^\"]+)\"[^>]*?(/>|>(.*?)</testcase>)", Pattern.DOTALL);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.getFileName().toString().endsWith(".xml"))::iterator) {
                Matcher m = testcase.matcher(Files.readString(p));
                while (m.find()) {
                    cases.add(m.group(1));
                    if (m.group(3) != null && (m.group(3).contains("<failure") || m.group(3).contains("<error"))) {
                        failed.add(m.group(1));
                    }
                }
            }
        }
        assertEquals(List.of(), failed, "Autobahn cases that failed against the @ServerEndpoint echo");
        assertEquals(expected, cases.size(), "Autobahn cases in the report (the server may have died mid-run)");
    }
}
