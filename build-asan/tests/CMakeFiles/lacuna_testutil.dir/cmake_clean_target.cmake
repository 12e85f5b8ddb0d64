file(REMOVE_RECURSE
  "liblacuna_testutil.a"
)
