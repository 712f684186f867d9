#pragma once

// From a checked job, the profile and the resolved inputs to the physical plan: the steps become
// operators, pipelined into one stage until a step needs its input grouped by key (aggregate,
// join, distinct, sort, repartition, a global limit, union), where the stage ends in a shuffle.
// Planning is a pure function of its inputs: the driver and every executor compute the same plan.
//
// Stages by step:
//   aggregate   map side: partial aggregate -> shuffle by keys -> final aggregate. Salted: a salt
//               column for hot keys, partial on (keys, salt) -> shuffle -> merge on (keys, salt)
//               -> shuffle by keys -> final.
//   join        both sides shuffled by their keys, a hash join per partition; or, when the right
//               side is under broadcast_threshold (or the step says broadcast), the right side in
//               one partition read whole by every task of the left side. Salted: the left side's
//               hot keys get a random salt, the right side's rows of hot keys are replicated once
//               per salt, and both sides shuffle on (keys, salt).
//   sort        the input stage's tasks sample their sort keys; a range exchange partitions by
//               bounds chosen from the samples; each partition sorts locally.
//   distinct    partial distinct -> shuffle by every column -> distinct.
//   limit       a local limit -> one partition -> limit.

#include <map>
#include <string>

#include "core/job_checker.h"
#include "core/profile.h"
#include "runtime/driver_protocol.h"
#include "runtime/physical_plan.h"

namespace jobtuner::runtime {

PhysicalPlan planJob(const core::CheckedJob& job, const core::Profile& profile,
                     const std::map<std::string, ResolvedSource>& sources);

}  // namespace jobtuner::runtime
