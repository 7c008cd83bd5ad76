package org.lws4j.runtime.jakarta;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds small endpoint bundles for the hot-plug tests: the compiled {@link HotEndpoint} and
 * {@link HotActivator} with a manifest of their own (symbolic name, version, path, ranking), as a
 * user would drop into deploy/. Every bundle has its own class loader, so each revision's
 * HotEndpoint class is a class of its own.
 */
public final class EndpointBundles {
    private EndpointBundles() {
    }

    /** Writes the bundle jar to {@code to}. */
    public static Path write(Path to, String symbolicName, String version, String path, Integer ranking) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", version);
        a.putValue("Bundle-Activator", HotActivator.class.getName());
        a.putValue("Import-Package", "jakarta.websocket;version=\"[2.2,3)\",jakarta.websocket.server;version=\"[2.2,3)\","
                + "org.osgi.framework");
        a.putValue("Endpoint-Path", path);
        if (ranking != null) {
            a.putValue("Endpoint-Ranking", ranking.toString());
        }
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jar = new JarOutputStream(out, mf)) {
            for (Class<?> c : new Class<?>[] {HotEndpoint.class, HotActivator.class}) {
                String entry = c.getName().replace('.', '/') + ".class";
                jar.putNextEntry(new JarEntry(entry));
                jar.write(Files.readAllBytes(classFile(c)));
                jar.closeEntry();
            }
        }
        return Files.move(tmp, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path classFile(Class<?> c) throws IOException {
        try {
            Path root = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            return root.resolve(c.getName().replace('.', '/') + ".class");
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
