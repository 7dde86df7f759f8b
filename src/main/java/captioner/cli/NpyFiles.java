package captioner.cli;

import captioner.BadInputException;
import captioner.model.CaptioningModel;
import captioner.model.ParamLayout;
import captioner.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Writes a model's parameters and a batch as numpy {@code .npy} files (version 1.0, little-endian, C order) in
 * cs231n's layout and names — what the libtorch peer's {@code --ref DIR} reads, so that both time the same
 * parameters on the same captions.
 */
final class NpyFiles {
    private NpyFiles() {
    }

    /** DIR/{W_embed, W_proj, ..., b_vocab}.npy (float32), feats.npy (float32, (N, D)) and caps.npy (int64, (N, L)). */
    static void write(Path dir, CaptioningModel model, BenchBatch batch) {
        try {
            Files.createDirectories(dir);
            for (ParamLayout.Entry e : model.layout().entries()) {
                writeFloats(dir.resolve(e.name() + ".npy"), model.param(e.name()), e.shape());
            }
            writeFloats(dir.resolve("feats.npy"), batch.features(), batch.features().shape());
            int[] caps = batch.captions();
            ByteBuffer data = ByteBuffer.allocate(8 * caps.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int c : caps) {
                data.putLong(c);
            }
            write(dir.resolve("caps.npy"), "<i8", new int[] {batch.size(), batch.captionLength()}, data.array());
        } catch (IOException e) {
            throw new BadInputException("--write-ref " + dir + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    private static void writeFloats(Path file, Tensor t, int[] shape) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < t.size(); i++) {
            data.putFloat((float) t.get(i));
        }
        write(file, "<f4", shape, data.array());
    }

    private static void write(Path file, String descr, int[] shape, byte[] data) throws IOException {
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims
                + (shape.length == 1 ? ",)" : ")") + ", }";
        // Magic, version 1.0, header length; the header is padded with spaces to a multiple of 64 and ends in \n.
        int unpadded = 10 + header.length() + 1;
        header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        Files.write(file, out.array());
    }
}
