-- One database per Kinerja program, as in a cluster (deploy/compose.yaml runs this once, on an
-- empty data volume). The compose stack connects as its one user; a cluster gives each its own.
CREATE DATABASE kinerja_target;
CREATE DATABASE kinerja_feedback;
CREATE DATABASE kinerja_appraisal;
CREATE DATABASE kinerja_training;
CREATE DATABASE kinerja_siasn;
