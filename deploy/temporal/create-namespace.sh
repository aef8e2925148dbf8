#!/bin/sh
# Creates the default namespace when it does not exist yet.
set -eu
temporal operator namespace describe --namespace default >/dev/null 2>&1 ||
  temporal operator namespace create --namespace default --retention 30d
echo 'Namespace default is ready'
