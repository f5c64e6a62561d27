package dev.guardsynth.eval;

import dev.guardsynth.data.Label;

/**
 * One system's answer for one question, from a predictions file or a live model.
 *
 * @param id the question's id, or null when the file joins by text only
 * @param text the question, or null when the file joins by id only
 * @param label the predicted label, or null when the model's answer could not be read
 * @param answer what the file or model said, for messages about unreadable answers
 * @param where where it came from ({@code file:line}, or the question's gold location)
 */
record Prediction(String id, String text, Label label, String answer, String where) {}
