package dev.guardsynth.config;

import java.util.List;

/**
 * The resolved configuration of a run: {@code guardsynth.yaml} with defaults filled in, paths made
 * absolute against the config file's folder and {@code ${ENV}} references expanded. Holds no
 * secrets. Immutable.
 *
 * @param name the run name (the folder under {@code output/})
 * @param taxonomy the taxonomy file
 * @param prompts the folder of prompt templates
 * @param rules rule set files; each adds one language (and its rules) to the plan
 * @param output the folder that holds run directories
 * @param filters what the filter stage rejects (inline, or read from the file it names)
 * @param label what the label stage does
 * @param budget limits on teacher spending; reaching one stops the run, resumable
 * @param axes the diversity axes file; null means {@code axes.yaml} beside the taxonomy, if any
 */
public record GuardsynthConfig(
    String name,
    TeacherConfig teacher,
    String taxonomy,
    String prompts,
    List<String> rules,
    TargetsConfig targets,
    DedupConfig dedup,
    ExportConfig export,
    String output,
    FilterConfig filters,
    LabelConfig label,
    BudgetConfig budget,
    String axes) {
  public GuardsynthConfig {
    name = name == null ? "default" : name;
    // The name is a folder under output/: nothing that climbs out of it or hides in it.
    if (!name.matches("[A-Za-z0-9._-]{1,64}") || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(
          "name: '"
              + name
              + "' is not allowed; a run name is a folder name: 1 to 64 letters, digits, '.', '_'"
              + " or '-', not '.' or '..' (such as my-dataset_v2)");
    }
    teacher = teacher == null ? TeacherConfig.defaults() : teacher;
    taxonomy = Check.orDefault(taxonomy, "rules/taxonomy.yaml");
    prompts = Check.orDefault(prompts, "prompts");
    rules = rules == null || rules.isEmpty() ? List.of("rules/ko.yaml") : List.copyOf(rules);
    targets = targets == null ? TargetsConfig.defaults() : targets;
    dedup = dedup == null ? DedupConfig.defaults() : dedup;
    export = export == null ? ExportConfig.defaults() : export;
    output = Check.orDefault(output, "output");
    filters = filters == null ? FilterConfig.defaults() : filters;
    label = label == null ? LabelConfig.defaults() : label;
    budget = budget == null ? BudgetConfig.unlimited() : budget;
    axes = axes == null || axes.isBlank() ? null : axes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's values, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.teacher = teacher;
    b.taxonomy = taxonomy;
    b.prompts = prompts;
    b.rules = rules;
    b.targets = targets;
    b.dedup = dedup;
    b.export = export;
    b.output = output;
    b.filters = filters;
    b.label = label;
    b.budget = budget;
    b.axes = axes;
    return b;
  }

  public GuardsynthConfig withName(String newName) {
    return toBuilder().name(newName).build();
  }

  public GuardsynthConfig withTeacher(TeacherConfig newTeacher) {
    return toBuilder().teacher(newTeacher).build();
  }

  /** Builds a {@link GuardsynthConfig}; unset sections take their defaults. */
  public static final class Builder {
    private String name;
    private TeacherConfig teacher;
    private String taxonomy;
    private String prompts;
    private List<String> rules;
    private TargetsConfig targets;
    private DedupConfig dedup;
    private ExportConfig export;
    private String output;
    private FilterConfig filters;
    private LabelConfig label;
    private BudgetConfig budget;
    private String axes;

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder teacher(TeacherConfig teacher) {
      this.teacher = teacher;
      return this;
    }

    public Builder taxonomy(String taxonomy) {
      this.taxonomy = taxonomy;
      return this;
    }

    public Builder prompts(String prompts) {
      this.prompts = prompts;
      return this;
    }

    public Builder rules(List<String> rules) {
      this.rules = rules;
      return this;
    }

    public Builder targets(TargetsConfig targets) {
      this.targets = targets;
      return this;
    }

    public Builder dedup(DedupConfig dedup) {
      this.dedup = dedup;
      return this;
    }

    public Builder export(ExportConfig export) {
      this.export = export;
      return this;
    }

    public Builder output(String output) {
      this.output = output;
      return this;
    }

    public Builder filters(FilterConfig filters) {
      this.filters = filters;
      return this;
    }

    public Builder label(LabelConfig label) {
      this.label = label;
      return this;
    }

    public Builder budget(BudgetConfig budget) {
      this.budget = budget;
      return this;
    }

    public Builder axes(String axes) {
      this.axes = axes;
      return this;
    }

    public GuardsynthConfig build() {
      return new GuardsynthConfig(
          name, teacher, taxonomy, prompts, rules, targets, dedup, export, output, filters, label,
          budget, axes);
    }
  }
}
