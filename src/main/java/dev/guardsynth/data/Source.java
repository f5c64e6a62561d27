package dev.guardsynth.data;

/**
 * Where a candidate question came from: the prompt that asked for it, the teacher model that
 * answered, and its position in that reply.
 */
public record Source(String promptId, String model, int index) {}
