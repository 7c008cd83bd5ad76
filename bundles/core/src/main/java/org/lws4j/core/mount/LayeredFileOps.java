package org.lws4j.core.mount;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.lws4j.spi.fileops.FileFlag;
import org.lws4j.spi.fileops.FileHandle;
import org.lws4j.spi.fileops.FileOps;

/**
 * The installed file-ops layers over the platform's, as lws chains its fops: a path holding a
 * layer's signature ({@code .zip/}) is opened by that layer, which gets the rest of the chain as
 * its {@code below}; any other path goes to the platform. Layers come and go as services do.
 * Thread-safe.
 */
public final class LayeredFileOps implements FileOps {
    /** A layer: its signature and ops, best-ranked first. */
    private record Layer(String signature, FileOps ops, int ranking, long serviceId) {
    }

    private final List<Layer> layers;
    private final FileOps platform;
    /** Every signature a layer has served in this context, present or not now. */
    private final Set<String> known = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public LayeredFileOps() {
        this(new CopyOnWriteArrayList<>(), PlatformFileOps.INSTANCE);
    }

    private LayeredFileOps(List<Layer> layers, FileOps platform) {
        this.layers = layers;
        this.platform = platform;
    }

    public synchronized void add(String signature, FileOps ops, int ranking, long serviceId) {
        known.add(signature);
        List<Layer> l = new ArrayList<>(layers);
        l.add(new Layer(signature, ops, ranking, serviceId));
        l.sort((a, b) -> a.ranking() != b.ranking() ? Integer.compare(b.ranking(), a.ranking())
                : Long.compare(a.serviceId(), b.serviceId()));
        layers.clear();
        layers.addAll(l);
    }

    public synchronized boolean remove(FileOps ops) {
        return layers.removeIf(x -> x.ops() == ops);
    }

    /** True when some installed layer handles {@code path}. */
    public boolean handles(String path) {
        for (Layer l : layers) {
            if (path.contains(l.signature())) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code path} holds the signature of a layer that served here before and is gone
     * now (its bundle is being updated or was removed): a plug-in is missing, not the file.
     */
    public boolean missingLayer(String path) {
        for (String sig : known) {
            if (path.contains(sig)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public FileHandle open(String path, Set<FileFlag> flags, FileOps below) throws IOException {
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (path.contains(l.signature())) {
                List<Layer> rest = new ArrayList<>(layers);
                rest.remove(i);
                return l.ops().open(path, flags, new LayeredFileOps(rest, platform));
            }
        }
        return platform.open(path, flags, platform);
    }
}
