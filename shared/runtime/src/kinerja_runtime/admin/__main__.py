from kinerja_runtime.admin.cli import main

raise SystemExit(main())
