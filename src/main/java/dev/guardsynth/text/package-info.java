/**
 * Text checks that more than one stage makes: the script-based {@link
 * dev.guardsynth.text.LanguageDetector} and the {@link dev.guardsynth.text.RefusalDetector}. The
 * filter runs them on questions and the label stage on safeguard responses; they live here so that
 * neither stage depends on the other. The reply readers of the generate and label stages share
 * {@link dev.guardsynth.text.ThinkBlocks} and {@link dev.guardsynth.text.MarkdownTable}. Stateless
 * and thread-safe; no stage's config or I/O.
 */
package dev.guardsynth.text;
