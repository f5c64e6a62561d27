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

  /** A config without an axes key. */
  public GuardsynthConfig(
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
      BudgetConfig budget) {
    this(
        name, teacher, taxonomy, prompts, rules, targets, dedup, export, output, filters, label,
        budget, null);
  }

  /** A config without a budget section. */
  public GuardsynthConfig(
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
      LabelConfig label) {
    this(
        name, teacher, taxonomy, prompts, rules, targets, dedup, export, output, filters, label,
        null);
  }

  public GuardsynthConfig withName(String newName) {
    return new GuardsynthConfig(
        newName, teacher, taxonomy, prompts, rules, targets, dedup, export, output, filters, label,
        budget, axes);
  }

  public GuardsynthConfig withTeacher(TeacherConfig newTeacher) {
    return new GuardsynthConfig(
        name,
        newTeacher,
        taxonomy,
        prompts,
        rules,
        targets,
        dedup,
        export,
        output,
        filters,
        label,
        budget,
        axes);
  }

  public GuardsynthConfig withDedup(DedupConfig newDedup) {
    return new GuardsynthConfig(
        name, teacher, taxonomy, prompts, rules, targets, newDedup, export, output, filters, label,
        budget, axes);
  }

  public GuardsynthConfig withExport(ExportConfig newExport) {
    return new GuardsynthConfig(
        name, teacher, taxonomy, prompts, rules, targets, dedup, newExport, output, filters, label,
        budget, axes);
  }

  public GuardsynthConfig withBudget(BudgetConfig newBudget) {
    return new GuardsynthConfig(
        name, teacher, taxonomy, prompts, rules, targets, dedup, export, output, filters, label,
        newBudget, axes);
  }
}
