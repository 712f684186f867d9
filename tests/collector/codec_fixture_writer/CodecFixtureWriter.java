// Writes a plain file compressed exactly as Apache Spark writes compressed event logs, using the
// same Java libraries and the same settings as Spark's CompressionCodec classes. The C++ decoders
// are tested against these bytes, so a misreading of a framing detail shows up as a test failure
// instead of as a real log that cannot be read.
//
// Usage: java CodecFixtureWriter <lz4|snappy|zstd|lzf> <plain input> <compressed output> [more triples]
// (several fixtures per run, because starting the JVM costs more than writing them)
//
// Lines are written through a BufferedOutputStream and flushed after the events Spark's
// EventLoggingListener flushes after, because for snappy and lzf a flush ends a block: real logs
// hold blocks of many sizes, not only full ones.

import com.github.luben.zstd.ZstdOutputStream;
import com.ning.compress.lzf.LZFOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import net.jpountz.lz4.LZ4BlockOutputStream;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHashFactory;
import org.xerial.snappy.SnappyOutputStream;

public final class CodecFixtureWriter {
  // Spark's defaults: spark.io.compression.lz4.blockSize and .snappy.blockSize are 32k,
  // spark.io.compression.zstd.level is 1, spark.eventLog.buffer.kb is 100k.
  private static final int SPARK_BLOCK_SIZE = 32 * 1024;
  private static final int SPARK_ZSTD_LEVEL = 1;
  private static final int SPARK_EVENT_LOG_BUFFER = 100 * 1024;
  // LZ4BlockOutputStream.DEFAULT_SEED, which Spark passes explicitly.
  private static final int SPARK_LZ4_SEED = 0x9747b28c;

  private CodecFixtureWriter() {}

  private static OutputStream sparkCodecStream(String codec, OutputStream file) throws IOException {
    switch (codec) {
      case "lz4":
        // syncFlush=false as in Spark: a flush never cuts a block short.
        return new LZ4BlockOutputStream(file, SPARK_BLOCK_SIZE, LZ4Factory.fastestInstance().fastCompressor(),
            XXHashFactory.fastestInstance().newStreamingHash32(SPARK_LZ4_SEED).asChecksum(), false);
      case "snappy":
        return new SnappyOutputStream(file, SPARK_BLOCK_SIZE);
      case "zstd": {
        ZstdOutputStream zstd = new ZstdOutputStream(file);
        zstd.setLevel(SPARK_ZSTD_LEVEL);
        return new BufferedOutputStream(zstd, SPARK_BLOCK_SIZE);
      }
      case "lzf":
        return new LZFOutputStream(file).setFinishBlockOnFlush(true);
      default:
        throw new IllegalArgumentException("unknown codec " + codec + " (lz4, snappy, zstd, lzf)");
    }
  }

  // The events after which EventLoggingListener asks for a flush (a sample of them is enough to
  // give the fixtures blocks of irregular sizes).
  private static boolean sparkFlushesAfter(String line) {
    return line.contains("\"SparkListenerStageSubmitted\"") || line.contains("\"SparkListenerStageCompleted\"")
        || line.contains("\"SparkListenerJobStart\"") || line.contains("\"SparkListenerJobEnd\"")
        || line.contains("\"SparkListenerApplicationEnd\"");
  }

  private static void writeFixture(String codec, String plainPath, String outputPath) throws IOException {
    // Bytes are copied unchanged (no charset round trip); only the flush points look at lines.
    try (InputStream plain = new BufferedInputStream(new FileInputStream(plainPath));
         OutputStream out = new BufferedOutputStream(
             sparkCodecStream(codec, new FileOutputStream(outputPath)), SPARK_EVENT_LOG_BUFFER)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int c;
      while ((c = plain.read()) != -1) {
        line.write(c);
        if (c == '\n') {
          line.writeTo(out);
          if (sparkFlushesAfter(line.toString(StandardCharsets.ISO_8859_1))) out.flush();
          line.reset();
        }
      }
      line.writeTo(out);
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 0 || args.length % 3 != 0) {
      System.err.println("usage: CodecFixtureWriter <lz4|snappy|zstd|lzf> <plain input> <compressed output> ...");
      System.exit(2);
    }
    for (int i = 0; i < args.length; i += 3) writeFixture(args[i], args[i + 1], args[i + 2]);
  }
}
