//! The work behind an alternatives report: each candidate examined in place of the
//! component (a drop-in checked directly, else the stack resolved again), in fixed
//! batches within the report's budget of solver steps.

use super::*;

/// What replacing one component of a plan involves, worked out once for all its
/// candidates.
pub(super) struct Replace<'a> {
    x: &'a Component,
    xr: &'a Release,
    version: Version,
    used: Vec<UsedInterface>,
    candidates: Vec<&'a Component>,
    /// What examining the candidates needs: left out when the budget is already spent.
    work: Option<Work<'a>>,
}

/// What examining the candidates for one component needs.
pub(super) struct Work<'a> {
    /// Needs that name the component itself: the candidate takes their place.
    dropped: BTreeSet<Id>,
    /// The plan's versions, favoured (the component's too: it is forbidden).
    favour: Arc<BTreeMap<Id, Version>>,
    /// What `[current]` and the lock hold, less the component.
    keep: BTreeMap<Id, Version>,
    rest: Rest<'a>,
}

impl<'a> Replace<'a> {
    /// What replacing `x` involves; with `index`, also what examining its candidates
    /// needs.
    fn new(
        resolver: &Resolver<'a>,
        plan: &Plan,
        base: &Options,
        x: &Id,
        index: Option<(&'a PlanIndex<'a>, &Arc<BTreeMap<Id, Version>>)>,
    ) -> Option<Self> {
        let planned = plan.get(x.as_str())?;
        let xc = resolver.registry.components.get(x)?;
        let xr = xc.release(&planned.version)?;
        let stack = resolver.stack;
        let work = index.map(|(index, favour)| {
            let mut keep = resolver.kept(base);
            keep.remove(x);
            Work {
                dropped: stack
                    .needs
                    .iter()
                    .filter(|(_, n)| matches!(n, Need::Component { id, .. } if id == x))
                    .map(|(name, _)| name.clone())
                    .collect(),
                favour: Arc::clone(favour),
                keep,
                rest: Rest::new(index, &xc.id),
            }
        });
        Some(Replace {
            x: xc,
            xr,
            version: planned.version.clone(),
            used: uses(plan, stack, x, xr),
            candidates: candidates(resolver, xc, xr),
            work,
        })
    }

    /// The options of a resolution without the component (requiring `y`, if given), with
    /// a budget of its own.
    fn options(
        &self,
        work: &Work<'_>,
        base: &Options,
        y: Option<&Component>,
        exempt: bool,
    ) -> Options {
        let mut options = Options {
            // Kept versions come as `keep`; the lock is not resolved again.
            locked: BTreeMap::new(),
            lock_fits_stack: false,
            forbid: base.forbid.clone(),
            require: base.require.clone(),
            favour: Arc::clone(&work.favour),
            policy_exempt: base.policy_exempt.clone(),
            drop_needs: base.drop_needs.clone(),
            universe: base.universe.clone(),
            max_steps: base.max_steps,
            budget: Budget::default(),
            outline: true,
            exhaustive: base.exhaustive,
        };
        options.forbid.insert(self.x.id.clone());
        options.drop_needs.extend(work.dropped.iter().cloned());
        if let Some(y) = y {
            options.require.push((y.id.clone(), VersionReq::STAR));
            if exempt {
                options.policy_exempt.insert(y.id.clone());
            }
        }
        options
    }

    /// The answer for a candidate with no plan, or none found: its newest release, and the
    /// interfaces its best release covers.
    fn without_plan(
        &self,
        y: &Component,
        fit: Fit,
        reason: Why,
        bound: Option<Bound>,
        rule: Option<PolicyRule>,
    ) -> Alternative {
        let yr = y.latest();
        let best = y
            .releases
            .iter()
            .rev()
            .filter(|r| !r.is_yanked())
            .max_by_key(|r| self.used.iter().filter(|u| covers(r, u)).count());
        let (covers, missing) = split_covers(&self.used, best.or(yr));
        Alternative {
            component: y.id.clone(),
            version: yr.map(|r| r.version.clone()),
            fit,
            changes: Vec::new(),
            covers,
            missing,
            reason: Some(reason),
            bound,
            excluded_by: rule,
            differences: differences(self.x, self.xr, y, yr),
        }
    }

    /// The answer for a candidate that gives a plan, at release `yr`.
    fn with_plan(
        &self,
        y: &Component,
        yr: Option<&Release>,
        changes: Vec<Change>,
        rule: Option<PolicyRule>,
    ) -> Alternative {
        let (covers, missing) = split_covers(&self.used, yr);
        Alternative {
            component: y.id.clone(),
            version: yr.map(|r| r.version.clone()),
            fit: if changes.is_empty() {
                Fit::DropIn
            } else {
                Fit::WithChanges
            },
            changes,
            covers,
            missing,
            reason: None,
            bound: None,
            excluded_by: rule,
            differences: differences(self.x, self.xr, y, yr),
        }
    }

    /// Whether the stack has a plan at all without the component: `Some(reason)` when it
    /// has none, so that no candidate can give one (requiring a candidate only adds to the
    /// problem) — one resolution answers for all of them, except candidates exempted from
    /// the policy, which may bring what the policy kept out. `None` when it has one, or
    /// when the resolution gave up. With the steps spent.
    fn without(
        &self,
        work: &Work<'_>,
        resolver: &Resolver<'_>,
        base: &Options,
    ) -> (Option<Brief>, u64) {
        let options = self.options(work, base, None, false);
        let mut narrow = options.clone();
        narrow.universe = Some(neighbourhood(resolver, &work.rest, self.x, None));
        let answer = match resolver.resolve_with(&narrow, &work.keep) {
            Ok(Resolution::Unsatisfiable(_)) => match resolver.resolve_with(&options, &work.keep) {
                Ok(Resolution::Unsatisfiable(why)) => Some(why.brief()),
                _ => None,
            },
            _ => None,
        };
        (
            answer,
            narrow.budget.spent().saturating_add(options.budget.spent()),
        )
    }

    /// The answer for candidate `y` (or `Err` with its id when the policy hides it), with
    /// the steps spent and how it was answered. `without` is `Some(reason)` when the stack has no plan without the
    /// component.
    #[allow(clippy::too_many_arguments)]
    fn examine(
        &self,
        work: &Work<'_>,
        resolver: &Resolver<'_>,
        base: &Options,
        without: Option<&Brief>,
        y: &Component,
        ignore_policy: bool,
    ) -> (Result<Alternative, Id>, u64, Route) {
        let rule = resolver.stack.policy.check(y);
        if rule.is_some() && !ignore_policy {
            return (Err(y.id.clone()), 0, Route::Hidden);
        }
        if let (Some(reason), None) = (without, &rule) {
            let alt = self.without_plan(y, Fit::NotViable, Why::NoPlan(reason.clone()), None, None);
            return (Ok(alt), 0, Route::NoPlanWithout);
        }
        let options = self.options(work, base, Some(y), rule.is_some());
        let spent = |options: &Options| options.budget.spent();
        // SPEC §5: a drop-in whenever some release makes the rest of the plan plus it a
        // plan, at the highest such release; only when none does is the stack resolved.
        if let Some(r) = drop_in(resolver, &options, &work.keep, &work.rest, y) {
            return (
                Ok(self.with_plan(y, Some(r), Vec::new(), rule)),
                spent(&options),
                Route::DropIn,
            );
        }
        if !base.exhaustive {
            // Most candidates need only what they bring met, and what the component did
            // done by another: met directly, the rest of the plan as it is.
            options.budget.spend(MEND_STEPS);
            if let Some(members) = mend::mend(resolver, &options, &work.keep, &work.rest, y) {
                let new: BTreeMap<&Id, &Version> =
                    members.iter().map(|(c, r)| (&c.id, &r.version)).collect();
                let yr = members.iter().find(|(c, _)| c.id == y.id).map(|(_, r)| *r);
                let changes = changes(work.rest.old(), &new, &self.x.id, &y.id);
                return (
                    Ok(self.with_plan(y, yr, changes, rule)),
                    spent(&options),
                    Route::Mended,
                );
            }
        }
        let first = first_choice(y, &work.rest, &work.keep);
        let mut route = Route::Whole;
        let resolution = if base.exhaustive {
            resolver.resolve_with(&options, &work.keep)
        } else {
            // Most answers need only the plan, the candidate and what the candidate
            // brings: that small problem first; only a miss needs the whole registry. The
            // narrow plan stands only with the release of the candidate the whole
            // registry's resolution would try first: settling for an older one means the
            // neighbourhood lacked what the newer one needs.
            let mut narrow = options.clone();
            narrow.universe = Some(neighbourhood(resolver, &work.rest, self.x, Some(y)));
            match resolver.resolve_with(&narrow, &work.keep) {
                Ok(Resolution::Resolved(new))
                    if first.is_some_and(|r| {
                        new.get(y.id.as_str())
                            .is_some_and(|p| p.version == r.version)
                    }) =>
                {
                    route = Route::Narrow;
                    Ok(Resolution::Resolved(new))
                }
                _ => resolver.resolve_with(&options, &work.keep),
            }
        };
        let alt = match resolution {
            Ok(Resolution::Resolved(new)) => {
                let yr = new.get(y.id.as_str()).and_then(|p| y.release(&p.version));
                self.with_plan(
                    y,
                    yr,
                    changes(
                        work.rest.old(),
                        &new.versions().iter().collect(),
                        &self.x.id,
                        &y.id,
                    ),
                    rule,
                )
            }
            Ok(Resolution::Unsatisfiable(why)) => {
                self.without_plan(y, Fit::NotViable, Why::NoPlan(why.brief()), None, rule)
            }
            Err(e) => self.without_plan(
                y,
                Fit::Undecided,
                Why::GaveUp(e),
                Some(Bound::Resolution),
                rule,
            ),
        };
        (Ok(alt), spent(&options), route)
    }
}

/// Runs `work` on each of `items` in fixed batches (in parallel within a batch), adding
/// the steps each spends to `spent`; once `spent` passes `limit`, the rest are not run
/// (`None`).
pub(super) fn budgeted<T: Sync, R: Send>(
    items: &[T],
    spent: &mut u64,
    limit: u64,
    work: impl Fn(&T) -> (R, u64) + Sync,
    done_with: &mut dyn FnMut(usize),
) -> Vec<Option<R>> {
    use rayon::prelude::*;
    let mut out = Vec::with_capacity(items.len());
    for batch in items.chunks(BATCH) {
        if *spent > limit {
            out.extend(batch.iter().map(|_| None));
        } else {
            let done: Vec<(R, u64)> = batch.par_iter().map(&work).collect();
            for (r, steps) in done {
                *spent = spent.saturating_add(steps);
                out.push(Some(r));
            }
        }
        done_with(batch.len());
    }
    out
}

/// The alternatives to each of `xs` in `plan` (those in it), and what the work spent.
/// Candidates the budget leaves unexamined are listed as undecided when `list_unexamined`
/// (one component: as many as the registry has), else only counted (a whole plan: as
/// many as its components times the registry's, which no report should hold).
pub(super) fn report(
    resolver: &Resolver<'_>,
    plan: &Plan,
    base: &Options,
    xs: &[&Id],
    ignore_policy: bool,
    list_unexamined: bool,
    progress: &mut dyn FnMut(Progress),
) -> (Vec<Alternatives>, Spent) {
    let mut at = Progress {
        done: 0,
        total: xs
            .iter()
            .filter_map(|x| {
                let planned = plan.get(x.as_str())?;
                let xc = resolver.registry.components.get(*x)?;
                Some(candidates(resolver, xc, xc.release(&planned.version)?).len() as u64)
            })
            .sum(),
    };
    progress(at);
    let limit = base.max_steps.saturating_mul(ALTERNATIVES_STEPS_FACTOR);
    let mut spent = 0u64;
    let mut total = Spent {
        budget: limit,
        ..Spent::default()
    };
    let index = PlanIndex::new(resolver.registry, plan.versions());
    let favour = Arc::new(plan.versions());
    let mut out = Vec::with_capacity(xs.len());
    // Components go a batch at a time, so that what replacing each involves is held for a
    // few of them at once.
    for group in xs.chunks(BATCH) {
        let live = spent <= limit;
        let jobs: Vec<Replace<'_>> = group
            .iter()
            .filter_map(|x| {
                Replace::new(resolver, plan, base, x, live.then_some((&index, &favour)))
            })
            .collect();
        // One resolution without each component first: where there is no plan without
        // it, that answers for every candidate.
        let withouts: Vec<Option<Option<Brief>>> = if !live {
            jobs.iter().map(|_| None).collect()
        } else if base.exhaustive {
            jobs.iter().map(|_| Some(None)).collect()
        } else {
            budgeted(
                &jobs,
                &mut spent,
                limit,
                |job| match &job.work {
                    Some(work) => job.without(work, resolver, base),
                    None => (None, 0),
                },
                &mut |_| {},
            )
        };
        // Candidates of components that are not examined one by one count as done now.
        for (i, job) in jobs.iter().enumerate() {
            if withouts[i].is_none() || job.work.is_none() {
                at.done += job.candidates.len() as u64;
            }
        }
        progress(at);
        let mut each: Vec<(usize, &Component, &Work<'_>)> = Vec::new();
        for (i, job) in jobs.iter().enumerate() {
            if let (Some(_), Some(work)) = (&withouts[i], &job.work) {
                each.extend(job.candidates.iter().map(|&y| (i, y, work)));
            }
        }
        let mut answers = budgeted(
            &each,
            &mut spent,
            limit,
            |&(i, y, work)| {
                let without = withouts[i].as_ref().and_then(|w| w.as_ref());
                let (answer, steps, route) =
                    jobs[i].examine(work, resolver, base, without, y, ignore_policy);
                let cost = match &answer {
                    Ok(alt) => CANDIDATE_STEPS + CHANGE_STEPS * alt.changes.len() as u64,
                    Err(_) => 0,
                };
                ((answer, route), steps.saturating_add(cost))
            },
            &mut |n| {
                at.done += n as u64;
                progress(at);
            },
        )
        .into_iter();
        for (i, job) in jobs.iter().enumerate() {
            let mut alternatives = Vec::new();
            let mut hidden = Vec::new();
            let mut unexamined = 0;
            for &y in &job.candidates {
                let answer = if withouts[i].is_some() && job.work.is_some() {
                    answers.next().flatten().map(|(answer, route)| {
                        total.answered.count(route);
                        answer
                    })
                } else {
                    None
                };
                match answer {
                    Some(Ok(alt)) => alternatives.push(alt),
                    Some(Err(id)) => hidden.push(id),
                    None => {
                        let rule = resolver.stack.policy.check(y);
                        if rule.is_some() && !ignore_policy {
                            hidden.push(y.id.clone());
                        } else if list_unexamined {
                            alternatives.push(job.without_plan(
                                y,
                                Fit::Undecided,
                                Why::Unexamined { limit },
                                Some(Bound::Budget),
                                rule,
                            ));
                        } else {
                            unexamined += 1;
                        }
                    }
                }
            }
            alternatives.sort_by(|a, b| {
                (a.fit, a.changes.len(), &a.component).cmp(&(b.fit, b.changes.len(), &b.component))
            });
            total.examined += alternatives
                .iter()
                .filter(|a| a.bound != Some(Bound::Budget))
                .count();
            total.undecided += unexamined
                + alternatives
                    .iter()
                    .filter(|a| a.fit == Fit::Undecided)
                    .count();
            out.push(Alternatives {
                component: job.x.id.clone(),
                version: job.version.clone(),
                alternatives,
                unexamined,
                uses: job.used.clone(),
                hidden_by_policy: hidden,
            });
        }
    }
    total.steps = spent;
    (out, total)
}
