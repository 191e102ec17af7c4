package io.github.dl4jtransfer.testing;

import com.fasterxml.jackson.databind.JsonNode;

/** JSON arrays of the reference fixtures (numpy, sklearn, torch) as Java arrays. */
public final class JsonArrays {

    private JsonArrays() {
    }

    public static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    public static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).doubleValue();
        return out;
    }

    public static int[][] intMatrix(JsonNode a) {
        int[][] out = new int[a.size()][];
        for (int i = 0; i < out.length; i++) out[i] = ints(a.get(i));
        return out;
    }

    public static double[][] doubleMatrix(JsonNode a) {
        double[][] out = new double[a.size()][];
        for (int i = 0; i < out.length; i++) out[i] = doubles(a.get(i));
        return out;
    }
}
