package captioner.ml;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;
import scala.tools.nsc.Global;
import scala.tools.nsc.Settings;
import scala.tools.nsc.reporters.ConsoleReporter;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13's "Java and Scala usable": a Scala user's code (test resource {@code CaptionerFromScala.scala}: chained
 * setters, getters, a ParamGridBuilder grid over {@code captioner.hiddenDim}, copy, explainParams, the evaluator and
 * model types) is compiled with the Scala 2.13 compiler in-process against our classes, then run.
 */
class ScalaUsageTest {
    @TempDir
    Path out;

    @Test
    void scalaCodeCompilesAgainstTheApiAndReadsBackWhatItSet() throws Exception {
        Path source = Path.of(ScalaUsageTest.class.getResource("CaptionerFromScala.scala").toURI());
        String messages = compile(source);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
                ScalaUsageTest.class.getClassLoader())) {
            // A Scala object's methods have static forwarders on the class of the object's name.
            Map<?, ?> r = (Map<?, ?>) loader.loadClass("captioner.ml.CaptionerFromScala")
                    .getMethod("run").invoke(null);
            assertEquals(16, r.get("hiddenDim"), messages);
            assertEquals("lstm", r.get("cell"));
            assertEquals(5e-3, r.get("learningRate"));
            assertEquals(6, r.get("gridSize"));
            assertEquals("16,32,64", r.get("gridHiddenDims"));
            assertEquals(16, r.get("copiedHiddenDim"));
            assertEquals(true, r.get("copiedUid"));
            String explained = (String) r.get("explainParams");
            assertTrue(explained.contains("hiddenDim") && explained.contains("current: 16"), explained);
            assertEquals("cider_d", r.get("metricName"));
            assertEquals(true, r.get("largerBetter"));
            assertEquals(2, r.get("loaders"));
        }
    }

    /** Compiles one file into {@link #out}; fails with the compiler's messages on any error or warning. */
    private String compile(Path source) {
        // Surefire's java.class.path is a manifest-only jar; it passes the real class path in this property.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        StringWriter messages = new StringWriter();
        Settings settings = new Settings();
        List<String> args = List.of("-classpath", classpath, "-d", out.toString(), "-deprecation", "-feature",
                "-Werror");
        boolean parsed = (Boolean) settings.processArguments(CollectionConverters.asScala(args).toList(), true)._1();
        assertTrue(parsed, "scalac arguments " + args);
        ConsoleReporter reporter = new ConsoleReporter(settings, new BufferedReader(new StringReader("")),
                new PrintWriter(messages, true));
        Global global = new Global(settings, reporter);
        Global.Run run = global.new Run();
        run.compile(CollectionConverters.asScala(List.of(source.toString())).toList());
        reporter.finish();
        String text = messages.toString();
        System.out.print(text);
        assertFalse(reporter.hasErrors(), "scalac failed on " + source + ":\n" + text);
        assertFalse(reporter.hasWarnings(), "scalac warned on " + source + ":\n" + text);
        return text;
    }
}
