package org.lws4j.core.h2;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Replays the saved inputs of a fuzz target (its {@code <Class>Inputs} resource folder: seeds,
 * and every finding as a regression input) as one dynamic test each, in every build.
 */
final class FuzzInputs {
    private FuzzInputs() {
    }

    static Stream<DynamicTest> replay(Class<?> harness, Consumer<byte[]> target) throws IOException, URISyntaxException {
        URL url = harness.getResource(harness.getSimpleName() + "Inputs");
        if (url == null) {
            throw new IllegalStateException("no inputs for " + harness.getSimpleName());
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of(url.toURI()))) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no inputs for " + harness.getSimpleName());
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
                () -> target.accept(Files.readAllBytes(f))));
    }
}
