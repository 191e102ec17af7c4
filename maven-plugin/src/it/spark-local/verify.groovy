def out = new File(basedir, 'target/transfer-benchmark')
def cells = new File(out, 'cells')
['deit-b16', 'resnet152'].each { m ->
    def f = new File(cells, "${m}__ddsm__frozen-linear__s1.json")
    assert f.isFile() : "missing cell result ${f}"
    def json = new groovy.json.JsonSlurper().parse(f)
    assert json.status == 'DONE' : "${m}: ${json.error}"
    assert json.provenance.config.executor.startsWith('spark:driver@') : 'provenance names the executor'
}
assert new File(out, 'report.html').isFile()
assert new File(out, 'plan.json').isFile()
def log = new File(basedir, 'build.log').text
// Maven ran without Spark's module options: the driver is a JVM of its own, with Spark resolved on demand.
assert log.contains('Spark driver JVM: org.apache.spark:spark-core_2.12:')
assert log.contains('Spark (local[2]): 2 cells in 2 tasks')
assert log.contains('[2/2] ')
return true
