package org.lws4j.core.config;

import java.util.List;
import java.util.Objects;

/**
 * What {@link ConfigLoader} made of a set of config sources: the context settings, the vhosts
 * that were usable, in source order, and every entry that was not, in the order met. Immutable.
 *
 * @param global the "global" section merged over all sources, defaults where none said otherwise
 * @param vhosts the usable "vhosts" entries of all sources, in order
 * @param problems the entries that could not be used and why; empty when everything loaded
 */
public record LoadedConfig(ContextConfig global, List<VhostConfig> vhosts, List<ConfigProblem> problems) {
    public LoadedConfig {
        Objects.requireNonNull(global, "global");
        vhosts = List.copyOf(vhosts);
        problems = List.copyOf(problems);
    }
}
