package org.lws4j.runtime;

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
 * Checks the Autobahn run that came before: the report must hold every case we asked for
 * (1.* to 7.*, 9.*, 10.*), none of them failed. The plugin prints "All test cases passed" even
 * when the server died after a few cases, so the count is what proves the run.
 */
class AutobahnReportIT {

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
        assertEquals(List.of(), failed, "Autobahn cases that failed");
        assertEquals(expected, cases.size(), "Autobahn cases in the report (the server may have died mid-run): " + cases);
    }
}
