#!/bin/bash
# daisy-java worker job: task {{task}} of run {{run_name}} (IBM Spectrum LSF).
#
# This template is filled in by daisy-launch for every task and submission (the result is saved
# under run_dir/jobs/ and submitted as `bsub < script`). Placeholders are names in double braces.
# A line whose placeholder has no value is left out; a line with a list placeholder
# (job_extra_directive, prologue, env_export) is repeated once per item. A custom template
# (lsf.template in the config) may use the same placeholders. log_dir is the plain path (bsub reads
# the quoted #BSUB values itself); log_dir_quoted, worker_command and the values in env_export are
# quoted for the shell.
#
# -J: one array of array_size workers, indices from 1; %J is the job id and %I the index.
# -M/rusage: memory carries its unit, since a bare number is read in LSF_UNIT_FOR_LIMITS (KB by
# default). -wa/-wt: USR1 that many minutes before the -W limit, so the worker hands back its
# block and leaves before the kill.
#BSUB -J "{{job_name}}[1-{{array_size}}]"
#BSUB -o "{{log_dir}}/%J_%I.out"
#BSUB -e "{{log_dir}}/%J_%I.err"
#BSUB -q {{queue}}
#BSUB -P {{project}}
#BSUB -W {{walltime}}
#BSUB -wa USR1
#BSUB -wt {{drain}}
#BSUB -n {{cores}}
#BSUB -R "span[hosts=1]"
#BSUB -M {{mem}}
#BSUB -R "rusage[mem={{mem}}]"
#BSUB -gpu "num={{gpus}}"
#BSUB {{job_extra_directive}}

# job_script_prologue lines (module loads, conda activate, ...)
{{prologue}}

# worker.env
export {{env_export}}
# where this worker's stderr goes: it is quoted in the summary when a block fails
export DAISY_LOG={{log_dir_quoted}}/"${LSB_JOBID}_${LSB_JOBINDEX}.err"

# USR1 ignored until the worker's JVM installs its handler: an unhandled USR1 would kill the JVM
# while it starts, and a warning lost that way is covered by the worker's --drain-after clock.
trap '' USR1
# exec: a bkill's SIGTERM or the walltime warning's USR1 reaches the worker itself, which hands
# back its block and leaves
exec {{worker_command}}
