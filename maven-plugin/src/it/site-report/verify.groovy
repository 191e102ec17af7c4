def site = new File(basedir, 'target/site')
def page = new File(site, 'transfer-benchmark/report.html')
assert page.isFile() : "no benchmark report in the site: ${page}"
assert page.text.contains('<svg') && page.text.contains('deit-b16')
def index = new File(site, 'project-reports.html')
assert index.isFile() : 'the site lists its reports'
assert index.text.contains('transfer-benchmark/report.html') && index.text.contains('Transfer benchmark')
return true
