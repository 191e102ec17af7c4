def cpuFlags = (new File('/proc/cpuinfo').readLines().find { it.startsWith('flags') }?.split(':', 2)?.getAt(1)?.trim()?.split(/\s+/) ?: []) as Set
def avx2 = ['avx', 'avx2', 'fma'].every { cpuFlags.contains(it) }
def expectedBuild = avx2 ? 'linux-x86_64-onednn-avx2' : 'linux-x86_64'
def expectedCore = ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'].every { cpuFlags.contains(it) } && avx2 ? 'SKYLAKEX' : avx2 ? 'HASWELL' : 'detected'
// <allocator>auto: oneDNN workers preload the machine's jemalloc (CI installs libjemalloc2), plain ones keep glibc's
def jemalloc = ['/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2', '/usr/lib64/libjemalloc.so.2',
                '/usr/lib/libjemalloc.so.2', '/usr/local/lib/libjemalloc.so.2', '/usr/local/lib/libjemalloc.so'].find { new File(it).isFile() }
def expectedAllocator = avx2 && jemalloc ? "jemalloc (${jemalloc})".toString() : 'system'
def out = new File(basedir, 'target/transfer-benchmark')
def cells = new File(out, 'cells')
['deit-b16', 'resnet152'].each { m ->
    def f = new File(cells, "${m}__ddsm__frozen-linear__s1.json")
    assert f.isFile() : "missing cell result ${f}"
    def json = new groovy.json.JsonSlurper().parse(f)
    assert json.status == 'DONE' : "${m}: ${json.error}"
    assert json.history.size() == 1
    // provenance records every resolved training setting, as TrainerConfig names it
    if (m == 'resnet152') assert json.provenance.config.training.batchSize == 32 : 'override not applied'
    else assert json.provenance.config.training.batchSize == 64
    assert json.provenance.config.training.epochs == 1 && json.provenance.config.training.learningRate == 1e-3
    assert json.provenance.config.training.seed == 1
    // the default protocol is the study's, recorded with each of its choices
    assert json.provenance.config.protocol == 'study' && json.provenance.config.protocolSettings.splits == 'study'
    assert json.provenance.config.training.schedule == 'constant' && json.provenance.config.training.warmupStartLearningRate == 1e-8
    // <nativeBuild>auto: frozen-linear cells run on libnd4j's oneDNN build where the CPU has AVX2 and FMA
    // (its jar resolved from the repositories), the plain build elsewhere; OpenBLAS is told the CPU's kernels
    assert json.provenance.versions.libnd4j == expectedBuild : "libnd4j ${json.provenance.versions.libnd4j}, expected ${expectedBuild}"
    assert json.provenance.versions.openblasCoretype == expectedCore
    assert json.provenance.versions.allocator == expectedAllocator : "allocator ${json.provenance.versions.allocator}, expected ${expectedAllocator}"
}
assert cells.listFiles().findAll { it.name.endsWith('.json') }.size() == 2
def results = new groovy.json.JsonSlurper().parse(new File(out, 'results.json'))
assert results.cells.size() == 2
assert results.aggregates.gains.size() == 2
def html = new File(out, 'report.html')
assert html.isFile() && html.text.contains('<svg') : 'report.html with the relative-gain chart'
assert new File(out, 'results.csv').readLines().size() == 3 : 'header + one row per cell'
assert new File(out, 'report.md').text.contains('resnet152')
assert new File(out, 'report.md').text.contains('protocol study')
assert new File(out, 'summary.txt').text.contains('resnet152')
def log = new File(basedir, 'build.log').text
assert log.contains('[1/2] deit-b16 × ddsm × frozen-linear seed 1 ...')
assert log.contains('[2/2] resnet152 × ddsm × frozen-linear seed 1: ')
assert log.contains('Worker JVM: cpu backend, libnd4j ' + expectedBuild)
return true
