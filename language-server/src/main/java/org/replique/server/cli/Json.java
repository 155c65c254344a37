package org.replique.server.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;

/** JSON helpers shared by the commands. */
final class Json {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();

    private Json() {}

    static JsonArray ids(int[] ids) {
        JsonArray a = new JsonArray(ids.length);
        for (int id : ids) a.add(id);
        return a;
    }
}
