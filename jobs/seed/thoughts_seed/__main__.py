from thoughts_seed.job import main

raise SystemExit(main())
