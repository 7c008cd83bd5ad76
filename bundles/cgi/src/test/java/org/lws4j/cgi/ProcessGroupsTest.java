package org.lws4j.cgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessGroupsTest {
    private final ProcessGroups groups = ProcessGroups.find(System.getenv("PATH") + ":" + CgiEnvironment.DEFAULT_PATH);

    @Test
    void aProgramLeadsItsOwnGroupAndTheWholeGroupIsEnded(@TempDir Path dir) throws Exception {
        assertTrue(groups.ownGroups(), "setsid and kill are needed as programs: apt-get install util-linux procps"
                + " (.ci/run installs them)");
        // a shell that ignores SIGTERM, with two children that do not
        Path script = dir.resolve("tree.sh");
        Files.writeString(script, "#!/bin/sh\ntrap '' TERM\nsleep 300 &\necho $!\nsleep 301 &\necho $!\necho ready\nwait\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        Process p = new ProcessBuilder(groups.command(script)).start();
        List<Long> children = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while (!(line = out.readLine()).equals("ready")) {
            children.add(Long.parseLong(line.trim()));
        }
        assertEquals(2, children.size());
        String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(String.valueOf(p.pid()), f[2], "the program is its group's leader (pgrp = pid)");
        assertEquals(String.valueOf(p.pid()), f[3], "and its session's (sid = pid)");
        assertTrue(groups.groupAlive(p.pid()));

        long t0 = System.nanoTime();
        groups.terminate(p, 500);
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
        assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));
        for (long c : children) {
            long deadline = System.currentTimeMillis() + 5000;
            while (ProcessHandle.of(c).map(ProcessHandle::isAlive).orElse(false) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(ProcessHandle.of(c).map(ProcessHandle::isAlive).orElse(false), "child " + c + " is gone");
        }
        assertFalse(groups.groupAlive(p.pid()));
    }

    @Test
    void commandWithoutTheToolsRunsTheProgramItself(@TempDir Path dir) {
        ProcessGroups none = new ProcessGroups(null, null);
        assertFalse(none.ownGroups());
        assertEquals(List.of(dir.resolve("x").toString()), none.command(dir.resolve("x")));
    }
}
