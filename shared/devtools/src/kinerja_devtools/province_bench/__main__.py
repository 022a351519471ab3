from kinerja_devtools.province_bench.run import main

main()
