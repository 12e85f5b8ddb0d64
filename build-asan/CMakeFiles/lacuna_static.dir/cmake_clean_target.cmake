file(REMOVE_RECURSE
  "liblacuna.a"
)
