package dev.guardsynth.cli;

import dev.guardsynth.config.GuardsynthConfig;
import dev.guardsynth.data.Json;
import dev.guardsynth.taxonomy.Category;
import dev.guardsynth.taxonomy.Taxonomy;
import dev.guardsynth.taxonomy.TaxonomyReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code guardsynth taxonomy}: validates the taxonomy file and lists its categories. */
@Command(
    name = "taxonomy",
    mixinStandardHelpOptions = true,
    description = "Validate the taxonomy and list its categories.",
    footer = {"", "Example:", "  guardsynth taxonomy --file rules/taxonomy.yaml --json"})
final class TaxonomyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "Taxonomy file (default: the config's taxonomy).")
  Path file;

  @Option(names = "--json", description = "Print the taxonomy as one JSON object on stdout.")
  boolean json;

  @Override
  public Integer call() {
    GuardsynthConfig config = CommonOptions.of(spec).load();
    Taxonomy taxonomy = TaxonomyReader.read(file != null ? file : Path.of(config.taxonomy()));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(taxonomy));
    } else {
      String group = null;
      for (Category c : taxonomy.categories()) {
        if (!c.group().equals(group)) {
          group = c.group();
          out.println(taxonomy.groupName(group, "en") + " (" + group + ")");
        }
        out.printf("  %-28s %s / %s%n", c.id(), c.name("en"), c.name("ko"));
      }
      out.println(
          taxonomy.categories().size() + " categories in " + taxonomy.groups().size() + " groups");
    }
    out.flush();
    return Main.OK;
  }
}
