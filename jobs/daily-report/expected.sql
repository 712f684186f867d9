-- What the job computes, in SQLite, over the same CSV files (${DATA_DIR} is substituted).
.import --csv ${DATA_DIR}/orders.csv orders
.import --csv ${DATA_DIR}/customers.csv customers
.import --csv ${DATA_DIR}/products.csv products
select cast(strftime('%m', cast(o.ts as integer) / 1000, 'unixepoch') as integer) as month, c.country, p.category,
       count(*), printf('%.2f', sum(cast(nullif(o.amount, '') as real))) as revenue, count(distinct o.customer_id)
from orders o join customers c on o.customer_id = c.customer_id join products p on o.product_id = p.product_id
where o.status = 'complete' and cast(o.ts as integer) >= 1767225600000
  and strftime('%Y', cast(o.ts as integer) / 1000, 'unixepoch') = '2026'
group by 1, 2, 3
order by sum(cast(nullif(o.amount, '') as real)) desc, 1, 2, 3
limit 50;
