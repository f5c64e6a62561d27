package dev.guardsynth.data;

/** A question dropped because it repeats {@code duplicateOf}; similarity 1.0 means identical. */
public record Duplicate(String id, String duplicateOf, double similarity) {}
