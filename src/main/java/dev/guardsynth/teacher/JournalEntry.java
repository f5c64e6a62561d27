package dev.guardsynth.teacher;

/**
 * One answered request, as stored in a journal or cassette line. Immutable.
 *
 * @param key {@link TeacherRequest#key()}
 */
public record JournalEntry(String key, TeacherRequest request, TeacherReply reply) {}
