#!/bin/bash
# daisy-java worker job: task {{task}} of run {{run_name}}.
#
# This template is filled in by daisy-launch for every task and submission (the result is saved
# under run_dir/jobs/ before it is submitted). Placeholders are names in double braces. A line whose
# placeholder has no value is left out; a line with a list placeholder (job_extra_directive,
# prologue, env_export) is repeated once per item. A custom template (slurm.template in the
# config) may use the same placeholders. log_dir is the plain path (sbatch reads the quoted
# #SBATCH values itself); log_dir_quoted, worker_command and the values in env_export are quoted
# for the shell. --signal: USR1 to the worker (B: the batch shell, which execs it) that many
# seconds before the walltime, so it hands back its block and leaves before the kill.
#SBATCH --job-name={{job_name}}
#SBATCH --output="{{log_dir}}/%A_%a.out"
#SBATCH --error="{{log_dir}}/%A_%a.err"
#SBATCH --partition={{partition}}
#SBATCH --account={{account}}
#SBATCH --qos={{qos}}
#SBATCH --time={{time}}
#SBATCH --signal={{signal}}
#SBATCH --mem={{mem}}
#SBATCH --cpus-per-task={{cpus_per_task}}
#SBATCH --gpus={{gpus}}
#SBATCH --constraint={{constraint}}
#SBATCH {{job_extra_directive}}

# job_script_prologue lines (module loads, conda activate, ...)
{{prologue}}

# worker.env
export {{env_export}}
# where this worker's stderr goes: it is quoted in the summary when a block fails
export DAISY_LOG={{log_dir_quoted}}/"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}.err"

# USR1 ignored until the worker's JVM installs its handler: slurmctld may send the warning in
# the job's first seconds (it looks once per 30 s period), and an unhandled USR1 would kill the
# JVM while it starts. A warning lost that way is covered by the worker's --drain-after clock.
trap '' USR1
# exec: a scancel, the walltime warning's USR1 or the walltime's SIGTERM reaches the worker
# itself, which hands back its block and leaves
exec {{worker_command}}
