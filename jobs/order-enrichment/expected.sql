-- What the job computes, in SQLite, over the same CSV files (${DATA_DIR} is substituted).
.import --csv ${DATA_DIR}/orders.csv orders
.import --csv ${DATA_DIR}/products.csv products
select coalesce(p.category, 'unknown') as category, count(*), sum(cast(o.quantity as integer)),
       printf('%.2f', sum(cast(nullif(o.amount, '') as real))), count(distinct o.product_id)
from orders o left join products p on o.product_id = p.product_id
where o.status <> 'cancelled'
group by 1;
