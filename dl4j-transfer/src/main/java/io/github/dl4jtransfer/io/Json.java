package io.github.dl4jtransfer.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The JSON mapper of the files this project writes for itself and reads back — cell results, {@code plan.json},
 * {@code results.json}: indented for people, and tolerant of fields a newer version added, so an older reader
 * (or the report of an older run) still works. Files written by others (sidecars) keep their own mapper.
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    private Json() {
    }
}
