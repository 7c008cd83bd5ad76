package org.lws4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestRule;
import org.junit.runner.RunWith;
import org.lws4j.itests.support.Bundles;
import org.lws4j.itests.support.CoreCheck;
import org.lws4j.itests.support.FixtureCheck;
import org.lws4j.itests.support.Http;
import org.lws4j.itests.support.Setup;
import org.lws4j.itests.support.Site;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;

/**
 * The itest Felix itself: every provisioned bundle resolves and is ACTIVE, the greeting fixture
 * bundles built with TinyBundles install, start, register their protocol and answer with their
 * version, and the core listens on the configured port. When these fail, nothing else here can
 * pass; when they pass and the HTTP tests fail, look at the core.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ProvisioningIT {
    @Inject
    private BundleContext context;

    @Rule
    public final TestRule report = Bundles.reportOnFailure(() -> context);

    @Configuration
    public Option[] config() {
        return Setup.options();
    }

    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        return Setup.probe(probe);
    }

    @Test
    public void everyProvisionedBundleIsActive() throws Exception {
        // bundles are started before the probe runs; allow a moment for any still STARTING
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> problems;
        do {
            problems = new ArrayList<>();
            for (String name : Bundles.REQUIRED) {
                boolean present = false;
                for (Bundle b : context.getBundles()) {
                    present |= name.equals(b.getSymbolicName());
                }
                if (!present) {
                    problems.add(name + " is not installed");
                }
            }
            for (Bundle b : context.getBundles()) {
                if (!Bundles.isFragment(b) && b.getState() != Bundle.ACTIVE) {
                    problems.add(b.getSymbolicName() + " is " + Bundles.state(b.getState()));
                }
            }
            if (problems.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not every provisioned bundle is ACTIVE: " + problems + "\n" + Bundles.report(context));
    }

    @Test
    public void greetingFixtureBundlesInstallStartAndAnswerWithTheirVersion() throws Exception {
        Bundle greeting;
        try (InputStream v1 = Files.newInputStream(Paths.get(context.getProperty(Site.GREETING_V1)))) {
            greeting = context.getBundle(0).getBundleContext().installBundle("itest:greeting", v1);
        }
        try {
            greeting.start();
            assertEquals("v1 state", "ACTIVE", Bundles.state(greeting.getState()));
            assertEquals(new Version(1, 0, 0), greeting.getVersion());
            assertEquals("200 text/plain hello from v1", FixtureCheck.answer(context, greeting));

            try (InputStream v2 = Files.newInputStream(Paths.get(context.getProperty(Site.GREETING_V2)))) {
                greeting.update(v2);
            }
            assertEquals("v2 state", "ACTIVE", Bundles.state(greeting.getState()));
            assertEquals(new Version(2, 0, 0), greeting.getVersion());
            assertEquals("200 text/plain hello from v2", FixtureCheck.answer(context, greeting));
        } finally {
            greeting.uninstall();
        }
        assertEquals(Bundle.UNINSTALLED, greeting.getState());
        assertTrue(Bundles.report(context), Bundles.report(context).contains("protocol services:\n  none"));
    }

    @Test
    public void coreReadTheItestConfig() throws Exception {
        String vhost = CoreCheck.describeItestVhost(context, Duration.ofSeconds(10));
        String expectedStart = "localhost " + context.getProperty(Site.PORT) + " 127.0.0.1 threads=2 mounts=";
        assertTrue("itest vhost: " + vhost + "\nexpected it to start with: " + expectedStart, vhost.startsWith(expectedStart));
        String fileMount = "/ FILE " + context.getProperty(Site.WWW) + " default=index.html";
        assertTrue("itest vhost: " + vhost + "\nexpected a mount: " + fileMount, vhost.contains(fileMount));
        String callbackMount = Site.GREET_PATH + " CALLBACK test-greeting";
        assertTrue("itest vhost: " + vhost + "\nexpected a mount: " + callbackMount, vhost.contains(callbackMount));
    }

    @Test
    public void coreListensOnTheConfiguredPort() throws Exception {
        String port = context.getProperty(Site.PORT);
        assertNotNull("framework property " + Site.PORT, port);
        Http.awaitListening(Integer.parseInt(port), Duration.ofSeconds(10));
    }
}
